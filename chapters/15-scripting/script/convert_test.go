package script

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// cannedCaller answers every command with the same raw reply.
type cannedCaller struct{ reply string }

func (c cannedCaller) Call([][]byte, int, Repl) ([]byte, bool) { return []byte(c.reply), false }

// The RESP3 reply types Redis does not let a script produce on a stock
// server (DEBUG PROTOCOL is refused in scripts), converted to Lua and
// back by the rules of script_lua.c.
func TestRESP3RepliesToLuaAndBack(t *testing.T) {
	tests := []struct {
		name, reply, body string
		proto             int
		want              string
	}{
		{"bool true is a boolean", "#t\r\n", `redis.setresp(3) return type(redis.call("x"))`, 3, "$7\r\nboolean\r\n"},
		{"bool true back in resp3", "#t\r\n", `redis.setresp(3) return redis.call("x")`, 3, "#t\r\n"},
		{"bool false back in resp3", "#f\r\n", `redis.setresp(3) return redis.call("x")`, 3, "#f\r\n"},
		{"bool true to a resp2 client", "#t\r\n", `redis.setresp(3) return redis.call("x")`, 2, ":1\r\n"},
		{"bool false to a resp2 client", "#f\r\n", `redis.setresp(3) return redis.call("x")`, 2, ":0\r\n"},
		{"script resp2 turns true to 1", "#t\r\n", `return redis.call("x")`, 3, ":1\r\n"},
		{"script resp2 turns false to null", "#f\r\n", `return redis.call("x")`, 3, "_\r\n"},
		{"null is nil", "_\r\n", `redis.setresp(3) return tostring(redis.call("x"))`, 2, "$3\r\nnil\r\n"},
		{"null back", "_\r\n", `redis.setresp(3) return redis.call("x")`, 3, "_\r\n"},
		{"null to resp2", "_\r\n", `redis.setresp(3) return redis.call("x")`, 2, "$-1\r\n"},
		{"double is a table", ",3.141\r\n", `redis.setresp(3) return tostring(redis.call("x").double)`, 2, "$5\r\n3.141\r\n"},
		{"double back in resp3", ",3.141\r\n", `redis.setresp(3) return redis.call("x")`, 3, ",3.141\r\n"},
		{"double to resp2 is a bulk", ",3.141\r\n", `redis.setresp(3) return redis.call("x")`, 2, "$5\r\n3.141\r\n"},
		{"double inf", ",inf\r\n", `redis.setresp(3) return redis.call("x")`, 3, ",inf\r\n"},
		{"big number", "(1234567999999999999999999999999999999\r\n", `redis.setresp(3) return redis.call("x").big_number`, 2, "$37\r\n1234567999999999999999999999999999999\r\n"},
		{"big number back", "(1234567999999999999999999999999999999\r\n", `redis.setresp(3) return redis.call("x")`, 3, "(1234567999999999999999999999999999999\r\n"},
		{"big number to resp2", "(12\r\n", `redis.setresp(3) return redis.call("x")`, 2, "$2\r\n12\r\n"},
		{"verbatim fields", "=15\r\ntxt:Some string\r\n", `redis.setresp(3) local v = redis.call("x").verbatim_string return {v.format, v.string}`, 2, "*2\r\n$3\r\ntxt\r\n$11\r\nSome string\r\n"},
		{"verbatim back in resp3", "=15\r\ntxt:Some string\r\n", `redis.setresp(3) return redis.call("x")`, 3, "=15\r\ntxt:Some string\r\n"},
		{"verbatim to resp2 is a bulk", "=15\r\ntxt:Some string\r\n", `redis.setresp(3) return redis.call("x")`, 2, "$11\r\nSome string\r\n"},
		{"attribute dropped", "|1\r\n+key\r\n+val\r\n:5\r\n", `redis.setresp(3) return redis.call("x")`, 3, ":5\r\n"},
		{"map of map", "%1\r\n$1\r\na\r\n%1\r\n$1\r\nb\r\n:1\r\n", `redis.setresp(3) return redis.call("x").map.a.map.b`, 2, ":1\r\n"},
		{"map back in resp3", "%1\r\n$1\r\na\r\n:1\r\n", `redis.setresp(3) return redis.call("x")`, 3, "%1\r\n$1\r\na\r\n:1\r\n"},
		{"map to resp2 is flat", "%1\r\n$1\r\na\r\n:1\r\n", `redis.setresp(3) return redis.call("x")`, 2, "*2\r\n$1\r\na\r\n:1\r\n"},
		{"set members are true", "~1\r\n$1\r\nm\r\n", `redis.setresp(3) return tostring(redis.call("x").set.m)`, 2, "$4\r\ntrue\r\n"},
		{"set back in resp3", "~1\r\n$1\r\nm\r\n", `redis.setresp(3) return redis.call("x")`, 3, "~1\r\n$1\r\nm\r\n"},
		{"blob error raised", "!9\r\nSYNTAX xy\r\n", `return redis.pcall("x")`, 2, "-SYNTAX xy\r\n"},
		{"push is an array", ">2\r\n:1\r\n:2\r\n", `redis.setresp(3) return redis.call("x")`, 3, "*2\r\n:1\r\n:2\r\n"},
		{"null array is false", "*-1\r\n", `return tostring(redis.call("x"))`, 2, "$5\r\nfalse\r\n"},
		{"status keeps its text", "+QUEUED\r\n", `return redis.call("x").ok`, 2, "$6\r\nQUEUED\r\n"},
		{"error code kept", "-WRONGTYPE Operation against a key\r\n", `return redis.pcall("x").err`, 2, "$33\r\nWRONGTYPE Operation against a key\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{})
			defer e.Close()
			got := string(e.Eval(&Run{Caller: cannedCaller{tc.reply}, Proto: tc.proto}, tc.body))
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLuaNumbersTruncateToIntegers(t *testing.T) {
	tests := []struct {
		in   float64
		want int64
	}{
		{3.99, 3}, {-3.99, -3}, {0.5, 0}, {-0.5, 0}, {1e15, 1e15}, {9.2e18, 9200000000000000000},
	}
	for _, tc := range tests {
		if got := luaNumberToInt(lnum(tc.in)); got != tc.want {
			t.Errorf("luaNumberToInt(%v) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestVersionNum(t *testing.T) {
	for v, want := range map[string]int{"7.0.15": 0x07000f, "7.2.4": 0x070204, "6.0.0": 0x060000} {
		if got := versionNum(v); got != want {
			t.Errorf("versionNum(%q) = %#x, want %#x", v, got, want)
		}
	}
}

func TestRand48MatchesRedisFirstValues(t *testing.T) {
	// redisSrand48(0) then redisLrand48() three times, worked by hand
	// from rand.c's recurrence x = 0x5DEECE66D*x + 0xB mod 2^48.
	r := newRand48()
	r.seed(0)
	x := uint64(0x330E)
	for i := 0; i < 3; i++ {
		x = (0x5DEECE66D*x + 0xB) & (1<<48 - 1)
		if got, want := r.next(), int32(x>>17); got != want {
			t.Fatalf("value %d: got %d, want %d", i, got, want)
		}
	}
}

func lnum(f float64) lua.LNumber { return lua.LNumber(f) }
