package reactor

// ReadSize is the most one Fill reads into a pooled buffer: tests bound a
// connection's output by HighWater plus one read.
const ReadSize = readSize
