package config

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMemoryOptionsMatchRedis sets memory options to the same values, good
// and bad, here and with CONFIG SET on redis-server, and compares the
// error text or the value read back: server.ParseMemory, then each
// option's range.
func TestMemoryOptionsMatchRedis(t *testing.T) {
	r := servertest.Dial(t, servertest.StartRedis(t))
	const prefix = "-ERR CONFIG SET failed (possibly related to argument '"
	for _, name := range []string{"auto-aof-rewrite-min-size", "proto-max-bulk-len", "client-query-buffer-limit"} {
		for _, val := range []string{
			"1gb", "64MB", "2000k", "1048576", "0001048576", "kb", "", "1xb", "1 kb", "+1", "-1", "1.5mb",
			"9223372036854775807", "9223372036854775808", "18446744073709551616", "17179869184gb", "8589934592gb",
		} {
			want := r.Do("CONFIG", "SET", name, val)
			err := New().Set(name, val)
			switch {
			case want == "+OK\r\n":
				if err != nil {
					t.Errorf("%s %q: %v, redis accepts it", name, val, err)
				}
			case err == nil:
				t.Errorf("%s %q accepted, redis says %q", name, val, want)
			case want != prefix+name+"') - "+err.Error()+"\r\n":
				t.Errorf("%s %q: %q, redis says %q", name, val, err, want)
			}
			if err == nil {
				v := New()
				v.Set(name, val)
				if got := r.Do("CONFIG", "GET", name); !strings.HasSuffix(got, "\r\n"+v.Get(name)+"\r\n") {
					t.Errorf("%s %q reads back as %q, redis as %q", name, val, v.Get(name), got)
				}
			}
		}
	}
}

func TestLoadStringSetsValues(t *testing.T) {
	v := New()
	text := "# comment\n\n  PORT 7000  \r\nbind 127.0.0.1 ::1\nmaxmemory 1gb\nrequirepass \"a b\\n\"\n" +
		"maxmemory-policy ALLKEYS-LRU\nappendonly YES\nport 7001\nclient-output-buffer-limit pubsub 1mb 2k 3\nhz 1000\nsave \"\"\n"
	if err := v.LoadString("t.conf", text); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"port": "7001", "bind": "127.0.0.1 ::1", "maxmemory": "1073741824", "requirepass": "a b\n",
		"maxmemory-policy": "allkeys-lru", "appendonly": "yes", "hz": "500", "save": "",
		"client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 3",
	} {
		if got := v.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestLoadStringErrors checks the line number, the line and Redis's reason
// for each kind of bad line.
func TestLoadStringErrors(t *testing.T) {
	for _, tc := range []struct {
		text, line, msg string
		n               int
	}{
		{"port 6379\nfoo bar\n", "foo bar", "Bad directive or wrong number of arguments", 2},
		{"port abc\n", "port abc", "argument couldn't be parsed into an integer", 1},
		{"maxmemory 1xb\n", "maxmemory 1xb", "argument must be a memory value", 1},
		{"appendonly maybe\n", "appendonly maybe", "argument must be 'yes' or 'no'", 1},
		{"maxmemory-policy foo\n", "maxmemory-policy foo", "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction", 1},
		{"port 70000\n", "port 70000", "argument must be between 0 and 65535 inclusive", 1},
		{"bind \"127.0.0.1\n", "bind \"127.0.0.1", "Unbalanced quotes in configuration line", 1},
		{"daemonize\n", "daemonize", "wrong number of arguments", 1},
		{"# x\nport 1 2\n", "port 1 2", "wrong number of arguments", 2},
		{"timeout -1\n", "timeout -1", "argument must be between 0 and 2147483647 inclusive", 1},
		{"client-output-buffer-limit foo 1 2 3\n", "client-output-buffer-limit foo 1 2 3", "Invalid client class specified in buffer limit configuration.", 1},
		{"  port x  \n", "port x", "argument couldn't be parsed into an integer", 1},
		{"daemonize yes\n", "daemonize yes", "gocache does not daemonize: run it under a supervisor (systemd, docker) instead", 1},
		{"appendfilename a/b\n", "appendfilename a/b", "appendfilename can't be a path, just a filename", 1},
	} {
		err := New().LoadString("t.conf", tc.text)
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%q: error %v, want a FileError", tc.text, err)
			continue
		}
		if fe.Line != tc.n || fe.Text != tc.line || fe.Msg != tc.msg || fe.File != "t.conf" {
			t.Errorf("%q: got %s:%d %q %q; want line %d %q %q", tc.text, fe.File, fe.Line, fe.Text, fe.Msg, tc.n, tc.line, tc.msg)
		}
	}
}

// TestFileErrorsMatchRedis runs redis-server on the same bad files and
// compares the line number, the quoted line and the reason it prints.
func TestFileErrorsMatchRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed: skipping the comparison with real Redis")
	}
	for _, text := range []string{
		"port 6379\nfoo bar\n", "port abc\n", "maxmemory 1xb\n", "maxmemory -1\n", "appendonly maybe\n",
		"maxmemory-policy foo\n", "port 70000\n", "bind \"127.0.0.1\n", "daemonize\n", "port 1 2\n",
		"client-output-buffer-limit foo 1 2 3\n", "client-output-buffer-limit normal 1 2\n",
		"client-output-buffer-limit normal a 2 3\n", "client-output-buffer-limit normal 1xb 2 3\n",
		"maxmemory +1\n", "maxmemory 1.5mb\n", "maxmemory \" 1\"\n", "auto-aof-rewrite-min-size 18446744073709551616\n",
		"maxclients 0\n", "proto-max-bulk-len 10\n", "loglevel loud\n",
	} {
		path := filepath.Join(t.TempDir(), "c.conf")
		os.WriteFile(path, []byte(text), 0o644)
		out, _ := exec.Command(bin, path).CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) < 4 {
			t.Errorf("%q: unexpected redis output %q", text, out)
			continue
		}
		want := strings.Join(lines[len(lines)-3:], "\n")
		var fe *FileError
		if err := New().LoadFile(path); !errors.As(err, &fe) {
			t.Errorf("%q: got %v, redis says %q", text, err, want)
			continue
		}
		report := strings.TrimSpace(fe.Report("x"))
		got := strings.Join(strings.Split(report, "\n")[1:], "\n")
		got = strings.Replace(got, "file "+path+",", "file,", 1)
		if got != want {
			t.Errorf("%q:\n gocache: %q\n   redis: %q", text, got, want)
		}
	}
}

func TestIncludeReportsTheIncludedFile(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.conf")
	outer := filepath.Join(dir, "outer.conf")
	os.WriteFile(inner, []byte("maxmemory 2mb\n\nport nope\n"), 0o644)
	os.WriteFile(outer, []byte("port 7000\ninclude "+inner+"\n"), 0o644)
	v := New()
	err := v.LoadFile(outer)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != inner || fe.Line != 3 {
		t.Fatalf("got %v, want an error at %s:3", err, inner)
	}
	if v.Get("maxmemory") != "2097152" {
		t.Errorf("the included file's earlier lines should apply, maxmemory=%s", v.Get("maxmemory"))
	}
	if !strings.Contains(fe.Report("gocache"), "Reading the configuration file "+inner+", at line 3\n>>> 'port nope'\n") {
		t.Errorf("report does not name file and line: %q", fe.Report("gocache"))
	}
	if err := New().LoadFile(filepath.Join(dir, "missing.conf")); err == nil {
		t.Error("a missing file must be an error")
	}
}

// runFlags parses a command line with the option flags, over a file.
func runFlags(t *testing.T, file string, args ...string) (*Values, error) {
	t.Helper()
	var v *Values
	var runErr error
	path, rest := SplitConfigPath(append([]string{"gocache"}, args...))
	app := &cli.App{Flags: Flags(), Action: func(ctx *cli.Context) error {
		v = New()
		if path != "" {
			if err := v.LoadString(path, file); err != nil {
				runErr = err
				return nil
			}
		}
		runErr = v.ApplyFlags(ctx)
		return nil
	}}
	if err := app.Run(rest); err != nil {
		return nil, err
	}
	return v, runErr
}

func TestFlagsOverrideFile(t *testing.T) {
	v, err := runFlags(t, "port 7000\nmaxmemory 1mb\ntimeout 5\n", "x.conf", "--port", "7001", "--maxmemory", "2kb", "--save", "", "--bind", "127.0.0.1 ::1")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"port": "7001", "maxmemory": "2048", "timeout": "5", "bind": "127.0.0.1 ::1"} {
		if got := v.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	_, err = runFlags(t, "", "--maxmemory-policy", "lru")
	var fe *FlagError
	if !errors.As(err, &fe) || fe.Name != "maxmemory-policy" || !strings.HasPrefix(err.Error(), `--maxmemory-policy "lru": argument(s) must be one of`) {
		t.Errorf("bad flag: got %v", err)
	}
	if v, err := runFlags(t, "", "--loglevel", "verbose"); err != nil || v.Get("loglevel") != "verbose" {
		t.Errorf("--loglevel verbose: %v", err)
	}
}

func TestSetRestoresOnHookError(t *testing.T) {
	v := New()
	v.OnChange("maxclients", func(string) error { return errors.New("no") })
	if err := v.Set("maxclients", "5"); err == nil || v.Get("maxclients") != "10000" {
		t.Errorf("hook error must leave the old value: %v %s", err, v.Get("maxclients"))
	}
}

func TestLogLevelsMapOntoLogrus(t *testing.T) {
	for _, name := range []string{"debug", "verbose", "notice", "warning"} {
		if _, ok := LogLevel(name); !ok {
			t.Errorf("%s is not mapped", name)
		}
	}
	if _, ok := LogLevel("info"); ok {
		t.Error("info is not a Redis level")
	}
}

// TestSavePoints checks that save takes Redis's save points, in the
// form CONFIG GET shows, and refuses what Redis refuses.
func TestSavePoints(t *testing.T) {
	for _, tc := range []struct{ text, want, err string }{
		{"", "3600 1 300 100 60 10000", ""},
		{"save 3600 1\n", "3600 1", ""},
		{"save 900 1 300 10\n", "900 1 300 10", ""},
		{"save \"\"\n", "", ""},
		{"save 1\n", "", "Invalid save parameters"},
		{"save 0 1\n", "", "Invalid save parameters"},
		{"save 10 -1\n", "", "Invalid save parameters"},
		{"save 10 x\n", "", "Invalid save parameters"},
	} {
		v := New()
		err := v.LoadString("t.conf", tc.text)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if got := v.Get("save"); got != tc.want {
			t.Errorf("%q: save = %q, want %q", tc.text, got, tc.want)
		}
	}
}
