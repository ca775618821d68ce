package script

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// oracleScripts run on real Redis and on the engine with fakeDB; their
// replies must match byte for byte in RESP2 and RESP3. Each starts from
// an empty database holding only the keys of its setup.
var oracleScripts = []struct {
	body  string
	keys  []string
	args  []string
	setup map[string]string
}{
	// Lua to RESP.
	{body: `return 1`},
	{body: `return 3.99`},
	{body: `return -3.99`},
	{body: `return 1e300`},
	{body: `return "hello"`},
	{body: `return ""`},
	{body: `return true`},
	{body: `return false`},
	{body: `return nil`},
	{body: `return {}`},
	{body: `return {1, 2, nil, 4}`},
	{body: `return {1, "two", {3, {4}}, true, false}`},
	{body: `return {ok="fine"}`},
	{body: `return {ok="two\r\nlines"}`},
	{body: `return {err="My Error"}`},
	{body: `return {err="-x y"}`},
	{body: `return {err="bad\nline"}`},
	{body: `return redis.error_reply("My Error")`},
	{body: `return redis.error_reply("-x")`},
	{body: `return redis.error_reply("WRONGTYPE nope")`},
	{body: `return redis.error_reply(1)`},
	{body: `return redis.status_reply("fine")`},
	{body: `return redis.status_reply()`},
	{body: `return {double=3.5}`},
	{body: `return {double=0.1}`},
	{body: `return {big_number="123456789012345678901234567890"}`},
	{body: `return {map={a=1}}`},
	{body: `return {set={a=true}}`},
	{body: `return {map={a={set={x=true}}}}`},
	{body: `redis.setresp(3) return true`},
	{body: `redis.setresp(3) return false`},
	{body: `redis.setresp(3) return {double=1.5}`},
	{body: `return {1, {err="inner"}, {ok="k"}}`},
	// KEYS and ARGV.
	{body: `return {KEYS[1], ARGV[1], ARGV[2], #KEYS, #ARGV}`, keys: []string{"k"}, args: []string{"a", "b"}},
	{body: `KEYS[1] = "changed" return KEYS[1]`, keys: []string{"k"}},
	// RESP to Lua.
	{body: `return redis.call("get", KEYS[1])`, keys: []string{"k"}, setup: map[string]string{"k": "v"}},
	{body: `return redis.call("get", "missing")`},
	{body: `return type(redis.call("get", "missing"))`},
	{body: `return redis.call("set", "k", "v")`},
	{body: `local r = redis.call("set", "k", "v") return r.ok`},
	{body: `return redis.call("incr", "n")`},
	{body: `return type(redis.call("incr", "n"))`},
	{body: `redis.call("set", "x", 1.1) return redis.call("get", "x")`},
	{body: `redis.call("set", "x", 1e20) return redis.call("get", "x")`},
	{body: `redis.call("set", "x", 7) return redis.call("get", "x")`},
	{body: `return redis.call("del", "a", "b", "c")`, setup: map[string]string{"a": "1", "c": "3"}},
	{body: `redis.setresp(3) return redis.call("get", "missing")`},
	{body: `redis.setresp(3) return type(redis.call("get", "missing"))`},
	{body: `redis.setresp(3) return redis.call("set", "k", "v")`},
	// Errors raised and caught.
	{body: `return redis.call("incr", "s")`, setup: map[string]string{"s": "abc"}},
	{body: `return redis.pcall("incr", "s")`, setup: map[string]string{"s": "abc"}},
	{body: `local r = redis.pcall("incr", "s") return r.err`, setup: map[string]string{"s": "abc"}},
	{body: `return redis.call("nosuch")`},
	{body: `return redis.pcall("nosuch")`},
	{body: `return redis.call("incr")`},
	{body: "\n\nreturn redis.call(\"get\")"},
	{body: `return redis.call()`},
	{body: `return redis.pcall()`},
	{body: `return redis.call({})`},
	{body: `return redis.pcall({})`},
	{body: `return redis.call("get", true)`},
	{body: `return foo`},
	{body: "local a = 1\nreturn foo"},
	{body: `x = 1`},
	{body: `string.x = 1`},
	{body: `redis.x = 1`},
	{body: `_G.x = 1`},
	{body: `return rawset(_G, "x", 1)`},
	{body: `return error("boom")`},
	{body: `return error("boom", 0)`},
	{body: `return error({err="custom"})`},
	{body: `return error({err="CODE custom"})`},
	{body: `return redis.setresp(4)`},
	{body: `return redis.setresp()`},
	{body: `return redis.set_repl(9)`},
	{body: `return redis.set_repl(redis.REPL_ALL)`},
	{body: `return redis.log(1)`},
	{body: `return redis.log(redis.LOG_WARNING, "hi")`},
	{body: `return redis.log("x", "hi")`},
	{body: `return redis.log(9, "hi")`},
	{body: `return redis.sha1hex("")`},
	{body: `return redis.sha1hex()`},
	{body: `return pcall(function() return foo end)`},
	{body: `local ok, e = pcall(redis.call, "nosuch") return e.err`},
	// Compile errors.
	{body: `return x(`},
	{body: `return 1 +`},
	{body: "local a = 1\nlocal b = (\n"},
	{body: "#!lua\nreturn x"},
	{body: "#!lua flags=no-writes\nreturn 1"},
	{body: "#!lua"},
	{body: "#!luax\nreturn 1"},
	{body: "#!lua foo=bar\nreturn 1"},
	{body: "#!lua flags=bad\nreturn 1"},
	// The sandbox.
	{body: `local t = {} for k in pairs(_G) do t[#t+1] = k end table.sort(t) return t`},
	{body: `local t = {} for k in pairs(redis) do t[#t+1] = k end table.sort(t) return t`},
	{body: `return {type(os), type(io)}`},
	{body: `return type(loadstring)`},
	{body: `return type(print)`},
	{body: `return type(debug)`},
	{body: `return type(require)`},
	{body: `return type(dofile)`},
	{body: `return redis.REDIS_VERSION_NUM`},
	{body: `return redis.replicate_commands()`},
	{body: `return redis.breakpoint()`},
	{body: `math.randomseed(7) return {math.random(), math.random(100), math.random(5, 10)}`},
	{body: `math.randomseed(7) return tostring(math.random())`},
	{body: `math.randomseed(42) return {math.random(1000), math.random(1000)}`},
	{body: `return tostring(1/3)`},
	{body: `return tostring(1e100)`},
	{body: `return string.format("%5.2f|%d|%s", 3.14159, 42, "x")`},
	{body: `return {tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("0x1p4"), tonumber("10", 16), tonumber("z", 36)}`},
	{body: `return {tostring(tonumber("1_0")), tostring(tonumber("")), tostring(tonumber("inf")), tostring(-1/0)}`},
	{body: `return {tostring(12), tostring(1e15), tostring(0.1), tostring(-0.0), tostring(nil), tostring(true)}`},
	{body: `local ok, e = pcall(function() error({err="x"}) end) return {tostring(ok), type(e), e}`},
	{body: `local ok, e = pcall(function() error({}) end) return {tostring(ok), type(e)}`},
	{body: `return {pcall(function(a, b) return a + b end, 1, 2)}`},
	{body: `return table.concat({1, 2, 3}, ",")`},
	{body: `return #string.rep("ab", 3)`},
	{body: `return {string.find("hello", "l+")}`},
	{body: `return string.gsub("hello world", "o", "0")`},
	// cjson.
	{body: `return cjson.encode({})`},
	{body: `return cjson.encode({1, 2, 3.5, "a", {x = 1}})`},
	{body: `return cjson.encode(0.1)`},
	{body: `return cjson.encode(1/3)`},
	{body: `return cjson.encode(1e20)`},
	{body: `return cjson.encode("a/b\"c\n\1")`},
	{body: `return cjson.encode({[1]=1, [20]=2})`},
	{body: `return cjson.encode({[1]=1, [3]=2})`},
	{body: `return cjson.encode(cjson.null)`},
	{body: `return cjson.encode(function() end)`},
	{body: `return cjson.encode(1/0)`},
	{body: `return cjson.encode({[true]=1})`},
	{body: `local t = cjson.decode('{"a":[1,2,{"b":null}],"c":"x\\u00e9"}') return {t.a[1], t.a[2], t.c, t.a[3].b == cjson.null}`},
	{body: `return cjson.decode("[1,2")`},
	{body: `return cjson.decode("{")`},
	{body: `return cjson.decode("nope")`},
	{body: `return cjson.decode('"\\ud83d\\ude00"')`},
	{body: `return cjson.decode("1.5e3")`},
	// cmsgpack: replies are the packed bytes, so encodings are compared.
	{body: `return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)`},
	{body: `return cmsgpack.pack(1.5, 0.1, 1e300, -0.5, true, false, nil)`},
	{body: `return cmsgpack.pack("", "abc", string.rep("x", 31), string.rep("x", 32), string.rep("x", 255), string.rep("x", 256))`},
	{body: `return cmsgpack.pack({}, {1, 2, 3}, {[1]=1, [3]=3}, {a=1}, {1, {2, {3}}})`},
	{body: `return cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16})`},
	{body: `local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)`},
	{body: `return {cmsgpack.unpack(cmsgpack.pack(1, "two", {3, 4}, -5, 2^40))}`},
	{body: `local t = cmsgpack.unpack(cmsgpack.pack({a = "b"})) return t.a`},
	{body: `return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))`},
	{body: `return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}`},
	{body: `return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1)}`},
	{body: `return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}`},
	{body: `return cmsgpack.unpack("\146\1")`},
	{body: `return cmsgpack.unpack("\193")`},
	// struct.
	{body: `return struct.pack("<i4>i4bBhH", 1, 1, -1, 255, -2, 65535)`},
	{body: `return struct.pack(">I8<l", 2^40, -3)`},
	{body: `return struct.pack("!4bi4", 1, 2)`},
	{body: `return struct.pack("!8bdBf", 1, 1.5, 2, 0.25)`},
	{body: `return struct.pack("c3s", "abcdef", "hi")`},
	{body: `return struct.pack("c0", "whole")`},
	{body: `return struct.pack("i12", -1)`},
	{body: `return {struct.unpack("<i4>i4", struct.pack("<i4>i4", -7, 9))}`},
	{body: `return {struct.unpack("bBhH", struct.pack("bBhH", -1, 255, -300, 60000))}`},
	{body: `return {struct.unpack("s c2", "abc\0xyz")}`},
	{body: `return {struct.unpack("bc0", "\3abcdef")}`},
	{body: `return {struct.unpack("i4", "abcdefgh", 5)}`},
	{body: `local d, f, n = struct.unpack(">df", struct.pack(">df", 1.25, 0.5)) return {tostring(d), tostring(f), n}`},
	{body: `return {struct.size("i4"), struct.size("!4bi4"), struct.size("<dhc5"), struct.size("")}`},
	{body: `return struct.unpack("i4", "ab")`},
	{body: `return struct.pack("i40", 1)`},
	{body: `return struct.unpack("s", "abc")`},
	{body: `return struct.pack("!3i", 1)`},
	{body: `return struct.pack("z", 1)`},
	{body: `return struct.pack("c5", "ab")`},
	{body: `return struct.size("s")`},
	// bit.
	{body: `return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)}`},
	{body: `return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8)}`},
	{body: `return {bit.tobit(2^32 + 1), bit.tobit(-1), bit.bswap(0x12345678)}`},
	{body: `return {bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4)}`},
}

func TestScriptsMatchRealRedis(t *testing.T) {
	addr := servertest.StartRedis(t)
	for _, proto := range []int{2, 3} {
		conn := servertest.Dial(t, addr)
		conn.Do("HELLO", strconv.Itoa(proto))
		for i, sc := range oracleScripts {
			t.Run(fmt.Sprintf("resp%d/%d", proto, i), func(t *testing.T) {
				conn.Do("FLUSHALL")
				conn.Do("SCRIPT", "FLUSH")
				for k, v := range sc.setup {
					conn.Do("SET", k, v)
				}
				args := []string{"EVAL", sc.body, strconv.Itoa(len(sc.keys))}
				args = append(append(args, sc.keys...), sc.args...)
				want := conn.Do(args...)

				e := New(Options{})
				defer e.Close()
				db := newFakeDB()
				for k, v := range sc.setup {
					db.data[k] = v
				}
				got := string(e.Eval(&Run{Caller: db, Proto: proto, Keys: bytesOf(sc.keys), Args: bytesOf(sc.args)}, sc.body))
				if got != want {
					t.Errorf("script %q\n got  %q\n want %q", sc.body, got, want)
				}
			})
		}
	}
}

func bytesOf(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
