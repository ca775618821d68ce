package reactor

// ReadSize is the most one Fill reads into a pooled buffer (the biggest
// class a connection's reads grow to): tests bound a connection's output
// by HighWater plus one read.
var ReadSize = int64(bufClasses[maxReadClass])
