package aof

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func newDir(t *testing.T, fsys FS) Dir {
	return Dir{FS: fsys, Path: t.TempDir() + "/appendonlydir", Prefix: "appendonly.aof"}
}

func readFile(t *testing.T, d Dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(d.File(name))
	must(t, err)
	return string(b)
}

// TestOpenFirstStartLikeRedis checks the files of a first start against
// what redis-server 7.0 creates with --appendonly yes --aof-use-rdb-preamble no.
func TestOpenFirstStartLikeRedis(t *testing.T) {
	d := newDir(t, nil)
	m, err := d.ReadManifest()
	must(t, err)
	a, err := Open(d, m, Always, nil)
	must(t, err)
	defer a.Close()
	if got := readFile(t, d, "appendonly.aof.manifest"); got != "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n" {
		t.Fatalf("manifest %q", got)
	}
	if readFile(t, d, "appendonly.aof.1.base.aof") != "" || readFile(t, d, "appendonly.aof.1.incr.aof") != "" {
		t.Fatal("base and incr files must start empty")
	}
	entries, _ := os.ReadDir(d.Path)
	if len(entries) != 3 {
		t.Fatalf("directory holds %d files, want 3 (no temp files left)", len(entries))
	}
}

func TestFeedWritesSelectOnlyWhenTheDatabaseChanges(t *testing.T) {
	d := newDir(t, nil)
	a, err := Open(d, &Manifest{}, Always, nil)
	must(t, err)
	a.Feed(0, [][]byte{[]byte("set"), []byte("a"), []byte("b")})
	a.Feed(0, [][]byte{[]byte("del"), []byte("a")})
	a.Feed(3, [][]byte{[]byte("SET"), []byte("x"), []byte("1"), []byte("PXAT"), []byte("1795613846202")})
	if got := readFile(t, d, "appendonly.aof.1.incr.aof"); got != "" {
		t.Fatalf("data reached the file before Flush: %q", got)
	}
	must(t, a.Flush())
	want := "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\ndel\r\n$1\r\na\r\n" +
		"*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*5\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n$4\r\nPXAT\r\n$13\r\n1795613846202\r\n"
	if got := readFile(t, d, "appendonly.aof.1.incr.aof"); got != want {
		t.Fatalf("file %q\nwant %q", got, want)
	}
	if a.Size() != int64(len(want)) || a.Pending() != 0 {
		t.Fatalf("size %d pending %d", a.Size(), a.Pending())
	}
	must(t, a.Close())

	// A restart appends to the same incr file and writes SELECT again.
	m, err := d.ReadManifest()
	must(t, err)
	got := model{}
	_, err = Load(d, m, got.apply, nil)
	must(t, err)
	a, err = Open(d, m, EverySec, nil)
	must(t, err)
	a.Feed(3, [][]byte{[]byte("SET"), []byte("y"), []byte("2")})
	must(t, a.Close())
	if s := readFile(t, d, "appendonly.aof.1.incr.aof"); !strings.HasSuffix(s, "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$1\r\n2\r\n") || !strings.HasPrefix(s, want) {
		t.Fatalf("after restart: %q", s)
	}
}

// TestWriteErrorsLoseNothing makes the disk fail in every way the appender
// knows and checks that once it works again the file holds every command
// exactly once.
func TestWriteErrorsLoseNothing(t *testing.T) {
	faults := []struct {
		name  string
		fault func(f *FaultFS)
	}{
		{"ENOSPC", func(f *FaultFS) { f.FailWrites(syscall.ENOSPC, false) }},
		{"short write", func(f *FaultFS) { f.FailWrites(syscall.ENOSPC, true) }},
		{"EIO", func(f *FaultFS) { f.FailWrites(syscall.EIO, true) }},
		{"fsync EIO", func(f *FaultFS) { f.FailSyncs(syscall.EIO) }},
	}
	for _, policy := range []Policy{Always, EverySec, No} {
		for _, ft := range faults {
			if ft.name == "fsync EIO" && policy != Always {
				continue // fsync happens in the background: see TestEverysecFsyncError
			}
			t.Run(policy.String()+"/"+ft.name, func(t *testing.T) {
				fsys := NewFaultFS(nil)
				d := newDir(t, fsys)
				a, err := Open(d, &Manifest{}, policy, nil)
				must(t, err)
				feed := func(k string) { a.Feed(0, [][]byte{[]byte("SET"), []byte(k), []byte("value-" + k)}) }
				feed("before")
				must(t, a.Flush())

				ft.fault(fsys)
				feed("during1")
				if err := a.Flush(); err == nil {
					t.Fatal("Flush succeeded on a failing disk")
				}
				if a.Err() == nil || a.Pending() == 0 {
					t.Fatalf("Err %v, pending %d: the failure must be visible and the bytes kept", a.Err(), a.Pending())
				}
				feed("during2")
				if err := a.Flush(); err == nil {
					t.Fatal("second Flush succeeded on a failing disk")
				}

				fsys.FailWrites(nil, false)
				fsys.FailSyncs(nil)
				must(t, a.Flush())
				if a.Err() != nil || a.Pending() != 0 {
					t.Fatalf("after recovery: Err %v pending %d", a.Err(), a.Pending())
				}
				feed("after")
				must(t, a.Close())

				got := model{}
				m, err := d.ReadManifest()
				must(t, err)
				res, err := Load(d, m, got.apply, nil)
				must(t, err)
				want := model{"0/before": "value-before", "0/during1": "value-during1", "0/during2": "value-during2", "0/after": "value-after"}
				if !reflect.DeepEqual(got, want) || res.Commands != 4 || res.Truncated {
					t.Fatalf("loaded %v (%+v)", got, res)
				}
			})
		}
	}
}

func TestEverysecFsyncsInTheBackground(t *testing.T) {
	defer func(p time.Duration) { everysecPeriod = p }(everysecPeriod)
	everysecPeriod = 5 * time.Millisecond
	fsys := NewFaultFS(nil)
	d := newDir(t, fsys)
	a, err := Open(d, &Manifest{}, EverySec, nil)
	must(t, err)
	defer a.Close()
	_, before := fsys.Counts()
	a.Feed(0, [][]byte{[]byte("SET"), []byte("k"), []byte("v")})
	must(t, a.Flush())
	_, afterFlush := fsys.Counts()
	if afterFlush != before {
		t.Fatal("everysec must not fsync on the loop")
	}
	waitFor(t, func() bool { _, n := fsys.Counts(); return n > before })

	// Nothing new written: no more fsyncs.
	_, n1 := fsys.Counts()
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, n := fsys.Counts(); n != n1 {
			t.Fatal("fsync without new data")
		}
	}
}

func TestEverysecFsyncError(t *testing.T) {
	defer func(p time.Duration) { everysecPeriod = p }(everysecPeriod)
	everysecPeriod = 5 * time.Millisecond
	fsys := NewFaultFS(nil)
	d := newDir(t, fsys)
	a, err := Open(d, &Manifest{}, EverySec, nil)
	must(t, err)
	defer a.Close()
	fsys.FailSyncs(syscall.EIO)
	a.Feed(0, [][]byte{[]byte("SET"), []byte("k"), []byte("v")})
	must(t, a.Flush())
	waitFor(t, func() bool { return errors.Is(a.Err(), syscall.EIO) })
	var b bytes.Buffer
	WriteInfo(&b, a, IdleRewrite())
	if !strings.Contains(b.String(), "aof_last_write_status:err\r\n") {
		t.Fatalf("INFO while fsync fails:\n%s", b.String())
	}
	fsys.FailSyncs(nil)
	a.Feed(0, [][]byte{[]byte("SET"), []byte("k"), []byte("w")})
	must(t, a.Flush())
	waitFor(t, func() bool { return a.Err() == nil })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(time.Millisecond) // polling interval, not a wait for the condition
	}
}

// TestRotate is what a rewrite does first: later writes go to a new incr
// file listed in the manifest, and loading the directory still gives
// everything.
func TestRotate(t *testing.T) {
	d := newDir(t, nil)
	a, err := Open(d, &Manifest{}, Always, nil)
	must(t, err)
	a.Feed(2, [][]byte{[]byte("SET"), []byte("a"), []byte("1")})
	must(t, a.Rotate())
	a.Feed(2, [][]byte{[]byte("SET"), []byte("b"), []byte("2")})
	must(t, a.Close())
	if got := readFile(t, d, "appendonly.aof.manifest"); got != "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n" {
		t.Fatalf("manifest %q", got)
	}
	if got := readFile(t, d, "appendonly.aof.2.incr.aof"); !strings.HasPrefix(got, "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n") {
		t.Fatalf("a new file must start with SELECT: %q", got)
	}
	m, err := d.ReadManifest()
	must(t, err)
	got := model{}
	_, err = Load(d, m, got.apply, nil)
	must(t, err)
	if !reflect.DeepEqual(got, model{"2/a": "1", "2/b": "2"}) {
		t.Fatalf("loaded %v", got)
	}
}

func TestWriteInfo(t *testing.T) {
	var off bytes.Buffer
	WriteInfo(&off, nil, IdleRewrite())
	want := "loading:0\r\nasync_loading:0\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n" +
		"aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\n" +
		"aof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\naof_last_write_status:ok\r\naof_last_cow_size:0\r\n" +
		"module_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n"
	if off.String() != want {
		t.Fatalf("got %q\nwant %q", off.String(), want)
	}
	d := newDir(t, nil)
	a, err := Open(d, &Manifest{}, No, nil)
	must(t, err)
	defer a.Close()
	a.Feed(0, [][]byte{[]byte("SET"), []byte("a"), []byte("b")})
	must(t, a.Flush())
	var on bytes.Buffer
	WriteInfo(&on, a, IdleRewrite())
	tail := "aof_current_size:50\r\naof_base_size:0\r\naof_pending_rewrite:0\r\naof_buffer_length:0\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n"
	if !strings.HasPrefix(on.String(), "loading:0\r\nasync_loading:0\r\naof_enabled:1\r\n") || !strings.HasSuffix(on.String(), tail) {
		t.Fatalf("got %q", on.String())
	}
}
