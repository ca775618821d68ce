package monitor

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

func TestLineFormat(t *testing.T) {
	for _, tc := range []struct {
		usec int64
		db   int
		args []string
		want string
	}{
		{1339518083107412, 0, []string{"keys", "*"}, "+1339518083.107412 [0 127.0.0.1:60866] \"keys\" \"*\"\r\n"},
		{1700000000000042, 3, []string{"set", "k", "a\"b\n"}, "+1700000000.000042 [3 127.0.0.1:60866] \"set\" \"k\" \"a\\\"b\\n\"\r\n"},
	} {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		if got := string(Line(tc.usec, tc.db, "127.0.0.1:60866", args)); got != tc.want {
			t.Errorf("Line(%v) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"auth pw", "auth (redacted)"},
		{"AUTH user pw", "AUTH (redacted) (redacted)"},
		{"hello 3 auth default pw setname x", "hello 3 auth (redacted) (redacted) setname x"},
		{"get auth", "get auth"},
	} {
		var args [][]byte
		for _, f := range strings.Fields(tc.in) {
			args = append(args, []byte(f))
		}
		var got []string
		for _, a := range redact(args) {
			got = append(got, string(a))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, strings.Join(got, " "), tc.want)
		}
	}
}

var line = regexp.MustCompile(`^\+\d{10}\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)\r\n$`)

// TestMonitorSeesCommandsAfterTheyRun: the monitor gets each command of
// another client with the database it ran in (SELECT shows the new
// one), and not CONFIG (an admin command).
func TestMonitorSeesCommandsAfterTheyRun(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		cache.Register(s)
		Register(s)
	})
	addr := servertest.Addr(s)
	m, c := servertest.Dial(t, addr), servertest.Dial(t, addr)
	if got := m.Do("MONITOR"); got != "+OK\r\n" {
		t.Fatalf("MONITOR: %q", got)
	}
	c.Do("SET", "k", "v")
	c.Do("CONFIG", "GET", "port")
	c.Do("SELECT", "2")
	c.Do("GET", "k")
	want := []string{`0 "SET" "k" "v"`, `2 "SELECT" "2"`, `2 "GET" "k"`} // after SELECT ran, as in Redis
	for _, w := range want {
		sub := line.FindStringSubmatch(m.ReadRaw())
		if sub == nil || sub[1]+" "+sub[2] != w {
			t.Fatalf("monitor line %q, want %s", sub, w)
		}
	}
}
