package difftest

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// scriptBodies are the scripts the generator sends with EVAL and
// EVALSHA: every conversion between Lua and RESP in both directions,
// errors from redis.call (unknown command, arity, noscript, WRONGTYPE)
// with and without pcall, the read-only rules, redis.setresp(3), cjson,
// and commands of every data type through the script path.
var scriptBodies = []string{
	"return redis.call('get', KEYS[1])",
	"return redis.call(ARGV[1], KEYS[1])",
	"return redis.pcall(ARGV[1], KEYS[1])",
	"return redis.pcall(ARGV[1], KEYS[1], ARGV[2])",
	"redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', KEYS[1])",
	"return {redis.call('exists', KEYS[1]), redis.call('type', KEYS[1])}",
	"return redis.call('lrange', KEYS[1], 0, -1)",
	"redis.setresp(3) return redis.call(ARGV[1], KEYS[1])",
	"redis.setresp(3) return redis.call('hgetall', KEYS[1])",
	"redis.setresp(3) return redis.pcall('zscore', KEYS[1], ARGV[1])",
	"redis.setresp(3) return {redis.call('exists', KEYS[1]) == 1, redis.call('get', KEYS[1])}",
	"return {1, 2.9, -3.5, 'x', true, false, nil, 7}",
	"return {{1, {2, {3}}}, {}, ''}",
	"return 3.99",
	"return -0.5",
	"return true",
	"return false",
	"return nil",
	"return {err='My Error'}",
	"return {err='WRONGTYPE custom code'}",
	"return {ok='fine'}",
	"return redis.error_reply('custom')",
	"return redis.error_reply('-CODE with code')",
	"return redis.status_reply('FINE')",
	"return {double=3.5}",
	"return {big_number='123456789012345678901234567890'}",
	"return {map={a=1}}",
	"return {set={x=true}}",
	"return cjson.encode({1, 2, 'x', {3, false}})",
	"return cjson.decode(ARGV[1])",
	"return cmsgpack.unpack(cmsgpack.pack({1, 'two', 3.5}))",
	"return bit.band(tonumber(ARGV[1]) or 0, 255)",
	"return struct.pack('>I2', 258)",
	"return redis.sha1hex(ARGV[1] or '')",
	"return #KEYS * 100 + #ARGV",
	"local t = {} for i = 1, #ARGV do t[i] = ARGV[i] end return t",
	"return redis.call('eval', 'return 1', 0)",
	"return redis.call('get')",
	"return redis.call('nosuch', KEYS[1])",
	"return redis.call('config', 'get', 'maxmemory')",
	"return redis.call('object', 'nosuch')",
	"return redis.pcall('incr', KEYS[1])",
	"return redis.call('incr', KEYS[1])",
	"return redis.call({})",
	"return redis.call()",
	"return nosuchglobal",
	"error('raw error')",
	"error({err='table error'})",
	"local ok, e = pcall(redis.call, 'nosuch') return e",
	"x = 1",
	"return tostring(3.0) .. ' ' .. tostring(1e20) .. ' ' .. tostring(0.1)",
	"return tonumber('0x10') + math.floor(2.5)",
	"return string.format('%5.2f|%d|%s', 3.14159, 42, 'x')",
	"#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'x')",
	"#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])",
	"#!lua\nreturn redis.call('incr', KEYS[1])",
	"#!lua flags=allow-oom,allow-stale\nreturn redis.call('exists', KEYS[1])",
	"#!lua flags=nosuch\nreturn 1",
	"#!notlua\nreturn 1",
	"redis.call('select', 1) redis.call('set', KEYS[1], 'in db 1') return redis.call('get', KEYS[1])",
	"return redis.call('blpop', KEYS[1], 0)",
	"return redis.call('lpush', KEYS[1], ARGV[1])",
	"return redis.call('hset', KEYS[1], 'f', ARGV[1])",
	"return redis.call('sadd', KEYS[1], ARGV[1])",
	"return redis.call('zadd', KEYS[1], 1, ARGV[1])",
	"return redis.call('zrange', KEYS[1], 0, -1, 'WITHSCORES')",
	"return redis.call('smembers', KEYS[1])",
	"return {redis.call('ping'), redis.call('echo', 'x')}",
	"return redis.call('del', unpack(KEYS))",
	"return redis.REDIS_VERSION",
	"local s = 0 for i = 1, 10000 do s = s + i end return s",
	"return 1 +",
}

// sha1Hex is the SHA1 EVALSHA names a body by.
func sha1Hex(body string) string {
	sum := sha1.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// libraryCode is the function library FCALL calls.
const libraryCode = `#!lua name=dl
redis.register_function('dget', function(keys, args) return redis.call('get', keys[1]) end)
redis.register_function{function_name='dincr', callback=function(keys, args) return redis.call('incrby', keys[1], args[1] or 1) end}
redis.register_function{function_name='dro', callback=function(keys, args) return redis.call('type', keys[1]) end, flags={'no-writes'}, description='read only'}
redis.register_function('derr', function(keys, args) return redis.call('nosuch') end)
redis.register_function('dset', function(keys, args) redis.call('set', keys[1], args[1] or 'v') return redis.call('get', keys[1]) end)
`

// sameLines compares FUNCTION LIST's replies, whose functions Redis
// lists in hash-table order: the same lines, in any order.
func sameLines(got, want string) bool {
	g, w := strings.Split(got, "\r\n"), strings.Split(want, "\r\n")
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// scriptArgs are EVAL's or FCALL's numkeys, keys and arguments: mostly
// right, sometimes a numkeys Redis refuses.
func (g *Gen) scriptArgs() []string {
	n := g.R.IntN(3)
	if g.Chance(15) {
		return []string{g.Pick("-1", "x", "9", "1.5")}
	}
	args := []string{strconv.Itoa(n)}
	for i := 0; i < n; i++ {
		args = append(args, g.Key())
	}
	for m := g.R.IntN(3); m > 0; m-- {
		args = append(args, g.Pick("get", "incr", "type", "llen", "hgetall", "smembers", "ttl", "nosuch", "1", "[1,2,{\"a\":3}]", "a", g.Value()))
	}
	return args
}

// ScriptOps are EVAL, EVALSHA, their _RO forms, SCRIPT, FUNCTION and
// FCALL. The script cache and the library are the same on both servers,
// since both get the same commands.
var ScriptOps = []Op{
	{"eval", 10, func(g *Gen) []string {
		return append(cmd(g.Pick("EVAL", "EVAL", "EVAL", "eval_ro"), scriptBodies[g.R.IntN(len(scriptBodies))]), g.scriptArgs()...)
	}, nil},
	{"evalsha", 3, func(g *Gen) []string {
		sha := sha1Hex(scriptBodies[g.R.IntN(len(scriptBodies))])
		if g.Chance(10) {
			sha = g.Pick("ffff", sha[:39]+"0", "")
		}
		return append(cmd(g.Pick("EVALSHA", "EVALSHA", "EVALSHA_RO"), sha), g.scriptArgs()...)
	}, nil},
	{"script", 2, func(g *Gen) []string {
		body := scriptBodies[g.R.IntN(len(scriptBodies))]
		switch g.R.IntN(6) {
		case 0, 1:
			return cmd("SCRIPT", "LOAD", body)
		case 2, 3:
			return cmd("SCRIPT", "EXISTS", sha1Hex(body), sha1Hex(scriptBodies[0]), "nosuch")
		case 4:
			return cmd("SCRIPT", "FLUSH", g.Pick("SYNC", "ASYNC", "nosuch"))
		default:
			return cmd("SCRIPT", g.Pick("KILL", "nosuch"))
		}
	}, nil},
	{"function", 2, func(g *Gen) []string {
		switch g.R.IntN(8) {
		case 0, 1:
			return cmd("FUNCTION", "LOAD", "REPLACE", libraryCode)
		case 2:
			return cmd("FUNCTION", "LOAD", libraryCode)
		case 3:
			return cmd("FUNCTION", "DELETE", g.Pick("dl", "nosuch"))
		case 4:
			g.CompareWith(sameLines)
			return cmd("FUNCTION", "LIST", g.Pick("WITHCODE", "LIBRARYNAME", "nosuch"))
		case 5:
			g.CompareWith(sameLines)
			return cmd("FUNCTION", "LIST")
		case 6:
			return cmd("FUNCTION", g.Pick("STATS", "KILL"))
		default:
			return cmd("FUNCTION", "LOAD", g.Pick("#!lua name=bad\nreturn 1", "return 1", "#!lua name=x\nredis.register_function('dget', function() end)"))
		}
	}, nil},
	{"fcall", 6, func(g *Gen) []string {
		return append(cmd(g.Pick("FCALL", "FCALL", "FCALL_RO"), g.Pick("dget", "dincr", "dro", "derr", "dset", "nosuch")), g.scriptArgs()...)
	}, nil},
}
