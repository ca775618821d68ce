// Package aof is the append-only file: every command that changed data is
// appended to a log in RESP, and replaying the log at start rebuilds the
// data. The on-disk layout is Redis 7's multi-part AOF, so a directory
// written by redis-server loads here and the other way round:
//
//	<dir>/<appenddirname>/
//	    appendonly.aof.1.base.aof   the snapshot the log starts from
//	    appendonly.aof.1.incr.aof   commands appended since
//	    appendonly.aof.manifest     "file appendonly.aof.1.base.aof seq 1 type b\n..."
//
// The pieces, in the order a server uses them:
//
//   - Dir and Manifest: where the files are and which ones to load
//     (ReadManifest, ParseManifest, WriteManifest for atomic swaps).
//   - Load: replay base then incr files through an Applier, streaming.
//   - Open and Appender: append (Feed), write and fsync once per loop turn
//     (Flush) according to the Policy (appendfsync), Close on shutdown.
//   - FS: the file layer, replaceable to simulate a full or failing disk.
//
// A rewrite (chapter 05) builds on Appender.Rotate, Manifest.NewBase,
// Manifest.MarkIncrHistory, Dir.WriteManifest and Appender.SetManifest.
package aof
