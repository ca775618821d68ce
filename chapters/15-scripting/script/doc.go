// Package script is gocache's Lua scripting engine: EVAL, EVALSHA, FCALL
// and FUNCTION as Redis 7.0 runs them on its embedded Lua 5.1.
//
// The engine does not know the server. A script reaches the keyspace only
// through a Caller, which runs one command through the server's normal
// command path and hands back the reply as RESP bytes; the engine turns
// replies into Lua values and the script's result back into RESP, with
// the conversion rules and error texts of Redis's script_lua.c.
//
// One Engine owns one Lua state and is used by one goroutine (the one that
// owns the keyspace). Only Run.Kill may be called from another goroutine.
package script
