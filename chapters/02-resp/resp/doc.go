// Package resp is the wire codec of gocache: the Redis Serialization Protocol.
//
// A client sends every request as an array of bulk strings ("multibulk"),
// for example SET k v is
//
//	*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
//
// or, when typed by hand (telnet, nc), as one "inline" line: "SET k v\r\n".
// Parser cuts both forms out of a connection's input buffer with the same
// limits and the same error texts as Redis 7.0's networking.c.
//
// Replies come in two dialects. RESP2 has five types: simple string (+),
// error (-), integer (:), bulk string ($) and array (*); a missing value is
// the bulk or array of length -1. RESP3, chosen by a client with HELLO 3,
// adds types that say what a reply means instead of only how it looks: null
// (_), double (,), boolean (#), big number ((), verbatim string (=), blob
// error (!), map (%), set (~), attribute (|) and push (>). Writer writes
// every RESP3 type and, on a RESP2 connection, downgrades it exactly as
// Redis does (a map becomes a flat array, a double a bulk string, a boolean
// an integer, ...), so a command handler writes its reply once.
//
// ReplyReader and ParseValue read any RESP2 or RESP3 reply back into a
// Value; clients, tests and tools use them.
package resp
