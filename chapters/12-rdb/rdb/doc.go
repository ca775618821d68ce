// Package rdb reads and writes Redis's RDB snapshot format, the file
// SAVE and BGSAVE write, DUMP and RESTORE exchange one value of, an AOF
// may start with, and a primary sends a replica in a full sync.
//
// A file is a header, a sequence of records, and a trailer:
//
//	"REDIS" "0010"                    magic and 4-digit version (10 = Redis 7.0)
//	FA <key> <value>                  AUX field, e.g. redis-ver, ctime, used-mem
//	FE <db>                           SELECTDB: keys that follow are in database db
//	FB <keys> <expires>               RESIZEDB: sizes of the database, a hint
//	FC <8 bytes LE>                   EXPIRETIME_MS of the next key, Unix ms
//	F8 <len> / F9 <byte>              LRU idle seconds / LFU counter of the next key
//	<type> <key> <value>              one key: a type byte below 0xF0, then strings
//	FF <8 bytes LE>                   EOF and the CRC64 of everything before it
//
// Numbers are "length encoded" (see length.go): the top two bits of the
// first byte say whether 6, 14, 32 or 64 bits follow, or (11) that a
// string is stored specially, as an 8, 16 or 32-bit integer or as LZF
// (lzf.go). A value is a string, or a count and strings, or one string
// that holds a whole in-memory structure as Redis keeps it: a listpack
// (listpack.go) for small hashes, sorted sets and the nodes of a list's
// quicklist, an intset (intset.go) for small sets of integers. Older files
// hold ziplists and zipmaps (ziplist.go) instead, which this package
// reads but never writes.
//
// The Encoder writes version 10 in Redis 7.0's encodings, choosing them
// from the data and settings (Options) as Redis does for a value built in
// one go. Redis's bytes can depend on a value's history as well: a list
// grown by many RPUSHes splits into quicklist nodes at other points, and
// Redis's LZF keeps state between calls, so its compressed bytes may be
// shorter. Both files load the same. The Decoder reads versions 1 to 12 and
// refuses, with the file, offset and key, what it cannot hold: module
// values and 7.4's hashes with field expirations. Values are plain Go
// types (String, List, Hash, Set, ZSet, Stream), for a server to map to
// its own; streams keep Redis's node layout (streamvalue.go).
package rdb
