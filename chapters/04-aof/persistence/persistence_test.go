package persistence

import (
	"fmt"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/04-aof/aof"
)

// addTestCommands installs a two-command store (SET and GET on one map),
// enough to see what the persistence layer does around commands without
// depending on chapter 03.
func addTestCommands(s *server.Server, data map[string]string) {
	s.Commands.Add(
		&server.Command{Name: "set", Arity: 3, Flags: server.Write, FirstKey: 1, LastKey: 1, Step: 1, Run: func(c *server.Client) {
			data[string(c.Args[1])] = string(c.Args[2])
			c.Propagate()
			c.OK()
		}},
		&server.Command{Name: "get", Arity: 2, Flags: server.ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Run: func(c *server.Client) {
			v, ok := data[string(c.Args[1])]
			if !ok {
				c.W.Null()
				return
			}
			c.W.BulkString(v)
		}},
	)
}

func start(t *testing.T, cfg Config) (*server.Server, map[string]string) {
	data := map[string]string{}
	s := servertest.Start(t, func(s *server.Server) {
		addTestCommands(s, data)
		if _, err := Setup(s, cfg); err != nil {
			t.Fatal(err)
		}
	})
	return s, data
}

// waitInfo polls INFO persistence until it holds line.
func waitInfo(t *testing.T, c *servertest.Conn, line string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		info := c.Do("INFO", "persistence")
		if strings.Contains(info, line+"\r\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("INFO persistence never showed %q:\n%s", line, info)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not a wait for the condition
	}
}

// loadDir replays the AOF directory into a map, to check what is on disk.
func loadDir(t *testing.T, cfg Config) map[string]string {
	t.Helper()
	p := &AOF{cfg: cfg}
	d := p.Dir()
	d.FS = nil
	m, err := d.ReadManifest()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	_, err = aof.Load(d, m, func(db int, args [][]byte) error {
		got[string(args[1])] = string(args[2])
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestMisconfWhileTheDiskIsFull(t *testing.T) {
	for _, policy := range []aof.Policy{aof.EverySec, aof.No} {
		t.Run(policy.String(), func(t *testing.T) {
			fsys := aof.NewFaultFS(nil)
			cfg := Config{AppendOnly: true, Dir: t.TempDir(), FileName: "appendonly.aof", DirName: "appendonlydir", AppendFsync: policy, FS: fsys}
			s, _ := start(t, cfg)
			c := servertest.Dial(t, servertest.Addr(s))
			if got := c.Do("SET", "a", "1"); got != "+OK\r\n" {
				t.Fatalf("SET: %q", got)
			}
			fsys.FailWrites(syscall.ENOSPC, true)
			// This write is accepted (its bytes wait in memory) ...
			if got := c.Do("SET", "b", "2"); got != "+OK\r\n" {
				t.Fatalf("SET: %q", got)
			}
			// ... and from then on writes are refused, reads go on.
			misconf := "-MISCONF Errors writing to the AOF file: No space left on device\r\n"
			if got := c.Do("SET", "c", "3"); got != misconf {
				t.Fatalf("SET on a full disk: %q", got)
			}
			if got := c.Do("PING"); got != misconf {
				t.Fatalf("PING on a full disk (Redis refuses it too): %q", got)
			}
			if got := c.Do("GET", "b"); got != "$1\r\n2\r\n" {
				t.Fatalf("GET on a full disk: %q", got)
			}
			waitInfo(t, c, "aof_last_write_status:err")
			fsys.FailWrites(nil, false)
			waitInfo(t, c, "aof_last_write_status:ok") // retried without any client command
			if got := c.Do("SET", "d", "4"); got != "+OK\r\n" {
				t.Fatalf("SET after recovery: %q", got)
			}
			c.Do("GET", "d") // a turn after the SET: its bytes are written
			if got := loadDir(t, cfg); !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "2", "d": "4"}) {
				t.Fatalf("on disk: %v", got)
			}
		})
	}
}

// TestAlwaysNeverAcknowledgesWhatIsNotDurable: under always, a write whose
// bytes cannot be written and fsynced gets no reply; its connection is
// closed, as if the server had crashed. Once the disk works the data is
// written after all.
func TestAlwaysNeverAcknowledgesWhatIsNotDurable(t *testing.T) {
	for _, fault := range []string{"write", "fsync"} {
		t.Run(fault, func(t *testing.T) {
			fsys := aof.NewFaultFS(nil)
			cfg := Config{AppendOnly: true, Dir: t.TempDir(), FileName: "appendonly.aof", DirName: "appendonlydir", AppendFsync: aof.Always, FS: fsys}
			s, _ := start(t, cfg)
			reader := servertest.Dial(t, servertest.Addr(s))
			writer := servertest.Dial(t, servertest.Addr(s))
			if got := writer.Do("SET", "a", "1"); got != "+OK\r\n" {
				t.Fatalf("SET: %q", got)
			}
			if fault == "write" {
				fsys.FailWrites(syscall.EIO, false)
			} else {
				fsys.FailSyncs(syscall.EIO)
			}
			writer.Send(string(servertest.Command("SET", "b", "2")))
			if got := writer.ReadEOF(); got != "" {
				t.Fatalf("the failed write was answered %q", got)
			}
			if got := reader.Do("SET", "c", "3"); got != "-MISCONF Errors writing to the AOF file: Input/output error\r\n" {
				t.Fatalf("SET while the AOF fails: %q", got)
			}
			if got := reader.Do("GET", "a"); got != "$1\r\n1\r\n" {
				t.Fatalf("GET while the AOF fails: %q", got)
			}
			fsys.FailWrites(nil, false)
			fsys.FailSyncs(nil)
			waitInfo(t, reader, "aof_last_write_status:ok")
			if got := loadDir(t, cfg); !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "2"}) {
				t.Fatalf("on disk: %v", got)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{AppendOnly: true, Dir: dir, FileName: "appendonly.aof", DirName: "appendonlydir", AppendFsync: aof.EverySec}
	s, _ := start(t, cfg)
	c := servertest.Dial(t, servertest.Addr(s))
	want := fmt.Sprintf("*2\r\n$3\r\ndir\r\n$%d\r\n%s\r\n", len(dir), dir)
	if got := c.Do("CONFIG", "GET", "dir"); got != want {
		t.Fatalf("CONFIG GET dir: %q", got)
	}
	for name, value := range map[string]string{"appendonly": "yes", "appendfsync": "everysec", "appendfilename": "appendonly.aof", "appenddirname": "appendonlydir"} {
		want := fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(name), name, len(value), value)
		if got := c.Do("CONFIG", "GET", name); got != want {
			t.Fatalf("CONFIG GET %s: %q", name, got)
		}
	}
	if got := c.Do("CONFIG", "SET", "appendfsync", "bad"); got != "-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no\r\n" {
		t.Fatalf("bad value: %q", got)
	}
	if got := c.Do("CONFIG", "SET", "appendfsync", "ALWAYS"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	if got := c.Do("CONFIG", "GET", "appendfsync"); got != "*2\r\n$11\r\nappendfsync\r\n$6\r\nalways\r\n" {
		t.Fatalf("after SET: %q", got)
	}
	if got := c.Do("CONFIG", "SET", "appendfilename", "x"); got != "-ERR CONFIG SET failed (possibly related to argument 'appendfilename') - can't set immutable config\r\n" {
		t.Fatalf("immutable: %q", got)
	}
	waitInfo(t, c, "aof_enabled:1")
}
