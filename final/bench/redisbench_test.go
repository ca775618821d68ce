package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseBenchmarkCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Rate
	}{
		{"redis-benchmark 7.0 output", `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","20491.80","2.279","0.320","1.151","7.975","15.791","31.983"
"GET","38387.71","0.839","0.168","0.607","2.839","4.663","6.831"
`, []Rate{{"SET", 20491.80}, {"GET", 38387.71}}},
		{"names with spaces and parentheses", `"test","rps","avg_latency_ms"
"LPUSH (needed to benchmark LRANGE)","112994.35","6.851"
"LRANGE_100 (first 100 elements)","33500.84","20.644"
"MSET (10 keys)","62893.08","12.096"
`, []Rate{{"LPUSH (needed to benchmark LRANGE)", 112994.35}, {"LRANGE_100 (first 100 elements)", 33500.84}, {"MSET (10 keys)", 62893.08}}},
		{"columns found by name", `"avg_latency_ms","rps","test"
"0.5","1000.00","PING_INLINE"
`, []Rate{{"PING_INLINE", 1000}}},
		{"CRLF line ends", "\"test\",\"rps\"\r\n\"SET\",\"5.5\"\r\n", []Rate{{"SET", 5.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBenchmarkCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseBenchmarkCSVRejectsBadOutput(t *testing.T) {
	tests := []struct {
		name, in, errPart string
	}{
		{"empty", "", "empty"},
		{"header only", `"test","rps"` + "\n", "no results"},
		{"no rps column", `"test","avg"` + "\n" + `"SET","1"` + "\n", "no \"test\" and \"rps\""},
		{"rps not a number", `"test","rps"` + "\n" + `"SET","fast"` + "\n", "not a number"},
		{"short line", `"x","test","rps"` + "\n" + `"1"` + "\n", "short CSV line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBenchmarkCSV(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("err = %v, want it to mention %q", err, tt.errPart)
			}
		})
	}
}

func TestBenchUnitsRunLRANGETestsTogether(t *testing.T) {
	got := benchUnits([]string{"set", "lrange_100", "get", "lrange_300", "lrange_600", "mset"})
	want := [][]string{{"set"}, {"lrange_100", "lrange_300", "lrange_600"}, {"get"}, {"mset"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("benchUnits = %v, want %v", got, want)
	}
}

func TestLoadString(t *testing.T) {
	for l, want := range map[Load]string{
		{Clients: 50, Pipeline: 1}:              "-c 50 -P 1",
		{Clients: 50, Pipeline: 16, Size: 1024}: "-c 50 -P 16 -d 1024",
	} {
		if got := l.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", l, got, want)
		}
	}
}

func TestAppendSetIsRESP(t *testing.T) {
	got := string(appendSet(nil, "key:000000000001", "v"))
	want := "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000001\r\n$1\r\nv\r\n"
	if got != want {
		t.Errorf("appendSet = %q, want %q", got, want)
	}
	if request("SET", "key:000000000001", "v") != want {
		t.Errorf("request and appendSet disagree")
	}
}

func TestKeysSuiteShapes(t *testing.T) {
	for _, i := range []int{0, 999999} {
		if k := fmt.Sprintf(keyFormat, i); len(k) != 16 {
			t.Errorf("key %q is %d bytes, want 16", k, len(k))
		}
		if v := fmt.Sprintf(valueFormat, i); len(v) != 32 {
			t.Errorf("value %q is %d bytes, want 32", v, len(v))
		}
	}
}

func TestHelpFlagsFindsLongFlags(t *testing.T) {
	help := `GLOBAL OPTIONS:
   --port value                         TCP port to listen on (default: "6379")
   --maxclients value                   most clients connected at once (default: "10000")
   --help, -h                           show help
   the --dir flag mentioned in prose is not a flag line
`
	got := helpFlags(help)
	want := map[string]bool{"port": true, "maxclients": true, "help": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("helpFlags = %v, want %v", got, want)
	}
}

// TestBenchArgs: -t tests, or a command of its own after the options,
// where redis-benchmark expects it.
func TestBenchArgs(t *testing.T) {
	l := Load{Clients: 50, Pipeline: 16, Requests: 1000}
	got := strings.Join(benchArgs(7000, l, []string{"set", "get"}, nil), " ")
	if want := "-h 127.0.0.1 -p 7000 -c 50 -P 16 -n 1000 --csv -t set,get"; got != want {
		t.Errorf("tests: %q, want %q", got, want)
	}
	got = strings.Join(benchArgs(7000, l, nil, []string{"XADD", "s", "*", "f", "v"}), " ")
	if want := "-h 127.0.0.1 -p 7000 -c 50 -P 16 -n 1000 --csv XADD s * f v"; got != want {
		t.Errorf("command: %q, want %q", got, want)
	}
}
