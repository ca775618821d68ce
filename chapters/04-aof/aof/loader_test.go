package aof

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// model is a tiny keyspace the loader tests replay into: SET and DEL on
// numbered databases. Anything else is an unknown command.
type model map[string]string

func (m model) apply(db int, args [][]byte) error {
	switch strings.ToLower(string(args[0])) {
	case "set":
		m[fmt.Sprintf("%d/%s", db, args[1])] = string(args[2])
	case "del":
		delete(m, fmt.Sprintf("%d/%s", db, args[1]))
	default:
		return fmt.Errorf("unknown command '%s'", args[0])
	}
	return nil
}

func cmd(args ...string) []byte {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	return resp.AppendCommand(nil, bs...)
}

// writeDir creates a Redis 7 style directory: an empty base and one incr
// file holding incr, and returns it with its manifest.
func writeDir(t *testing.T, base, incr []byte) (Dir, *Manifest) {
	t.Helper()
	d := Dir{Path: t.TempDir(), Prefix: "appendonly.aof"}
	m := &Manifest{}
	must(t, os.WriteFile(d.File(m.NewBase(d.Prefix, false)), base, 0o644))
	must(t, os.WriteFile(d.File(m.NewIncr(d.Prefix)), incr, 0o644))
	must(t, d.WriteManifest(m))
	return d, m
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// entry is one element of a test AOF and what the data is once it is
// loaded completely.
type entry struct {
	bytes []byte
	multi bool // part of a MULTI block: applies only at the block's EXEC
}

// TestLoadTruncatedAtEveryOffset cuts a small AOF at every byte offset. Each
// cut must load exactly the complete commands before it (a MULTI block only
// with its EXEC), truncate the file to the end of the last of them, and
// never apply a partial command.
func TestLoadTruncatedAtEveryOffset(t *testing.T) {
	entries := []entry{
		{bytes: cmd("SELECT", "0")},
		{bytes: cmd("set", "a", "1")},
		{bytes: []byte("#TS:1700000000\r\n")},
		{bytes: cmd("SET", "b", "hello\r\nworld")},
		{bytes: cmd("SELECT", "3")},
		{bytes: cmd("SET", "a", "in db 3")},
		{bytes: cmd("MULTI"), multi: true},
		{bytes: cmd("SET", "c", "x"), multi: true},
		{bytes: cmd("DEL", "a"), multi: true},
		{bytes: cmd("EXEC"), multi: true},
		{bytes: cmd("SET", "", "")},
	}
	var full []byte
	type point struct {
		end   int   // offset after the entry
		state model // data after applying up to here
	}
	var points []point
	state := model{}
	var pendingMulti []entry
	for _, e := range entries {
		full = append(full, e.bytes...)
		if e.multi {
			pendingMulti = append(pendingMulti, e)
			if !bytes.Contains(e.bytes, []byte("EXEC")) {
				continue
			}
			for _, me := range pendingMulti {
				replay(t, state, me.bytes)
			}
			pendingMulti = nil
		} else {
			replay(t, state, e.bytes)
		}
		points = append(points, point{end: len(full), state: clone(state)})
	}
	for cut := 0; cut <= len(full); cut++ {
		want, wantSize := model{}, 0
		for _, p := range points {
			if p.end <= cut {
				want, wantSize = p.state, p.end
			}
		}
		d, m := writeDir(t, nil, full[:cut])
		got := model{}
		res, err := Load(d, m, got.apply, nil)
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cut %d: loaded %v, want %v", cut, got, want)
		}
		if res.Truncated != (wantSize != cut) || res.Size != int64(wantSize) {
			t.Fatalf("cut %d: result %+v, want size %d", cut, res, wantSize)
		}
		if n, _ := d.Size(m.Incr[0].Name); n != int64(wantSize) {
			t.Fatalf("cut %d: file is %d bytes after load, want %d", cut, n, wantSize)
		}
	}
}

func replay(t *testing.T, m model, frame []byte) {
	var p resp.Parser
	if frame[0] == '#' {
		return
	}
	args, _, err := p.Parse(frame, nil)
	must(t, err)
	switch strings.ToLower(string(args[0])) {
	case "select":
		m["db"] = string(args[1])
	case "multi", "exec":
	default:
		db := 0
		fmt.Sscan(m["db"], &db)
		must(t, m.apply(db, args))
	}
}

func clone(m model) model {
	c := model{}
	for k, v := range m {
		if k != "db" {
			c[k] = v
		}
	}
	return c
}

func TestLoadTruncatedFileNotLastIsAnError(t *testing.T) {
	good := cmd("SET", "k", "v")
	d, m := writeDir(t, good[:len(good)-3], cmd("SET", "x", "y"))
	_, err := Load(d, m, model{}.apply, nil)
	var le *LoadError
	if !errors.As(err, &le) || le.File != "appendonly.aof.1.base.aof" || le.Offset != 0 ||
		!strings.Contains(err.Error(), "not the last file") {
		t.Fatalf("err = %v", err)
	}
	if n, _ := d.Size(m.Base.Name); n != int64(len(good)-3) {
		t.Fatalf("a file that is not the last one was truncated to %d", n)
	}
}

// TestLoadCorruptionNamesFileAndOffset damages single bytes in the middle
// of a file: the load must stop with the file and the offset of the
// command that does not parse, and apply nothing after it.
func TestLoadCorruptionNamesFileAndOffset(t *testing.T) {
	first := cmd("SET", "a", "1")
	second := cmd("SET", "b", "2")
	third := cmd("SET", "c", "3")
	data := bytes.Join([][]byte{first, second, third}, nil)
	at := len(first) // second command starts here
	tests := []struct {
		name   string
		pos    int // byte of the second command to damage
		val    byte
		reason string
	}{
		{"not a command", 0, 'X', `expected '*', got 'X'`},
		{"count", 1, 'z', "invalid multibulk length"},
		{"bulk marker", 4, '%', "expected '$', got '%'"},
		{"bulk length", 5, 'x', "invalid bulk length"},
		{"LF after count", 3, 'x', fmt.Sprintf("expected CR LF at offset %d", at+3)},
		{"CR after data", 12, 'x', fmt.Sprintf("expected CR LF at offset %d", at+12)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := bytes.Clone(data)
			bad[at+tt.pos] = tt.val
			d, m := writeDir(t, nil, bad)
			got := model{}
			_, err := Load(d, m, got.apply, nil)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LoadError", err)
			}
			if le.File != "appendonly.aof.1.incr.aof" || le.Offset != int64(at) || !strings.Contains(le.Reason, tt.reason) {
				t.Fatalf("got %+v, want offset %d and %q", le, at, tt.reason)
			}
			if _, ok := got["0/c"]; ok {
				t.Fatal("a command after the corruption was applied")
			}
			if n, _ := d.Size(m.Incr[0].Name); n != int64(len(bad)) {
				t.Fatal("a corrupt file must not be truncated")
			}
		})
	}
}

func TestLoadUnknownCommandStops(t *testing.T) {
	d, m := writeDir(t, cmd("SET", "a", "1"), cmd("FLY", "away"))
	_, err := Load(d, m, model{}.apply, nil)
	var le *LoadError
	if !errors.As(err, &le) || le.File != "appendonly.aof.1.incr.aof" || !strings.Contains(err.Error(), "unknown command 'FLY'") {
		t.Fatalf("err = %v", err)
	}
}

// TestLoadStreamsThroughASmallWindow loads values far larger than the read
// window, split across reads at every kind of boundary.
func TestLoadStreamsThroughASmallWindow(t *testing.T) {
	defer func(w int) { loadWindow = w }(loadWindow)
	loadWindow = 16
	big := strings.Repeat("0123456789", 30000)
	var data []byte
	want := model{}
	for i := 0; i < 50; i++ {
		v := fmt.Sprint(i)
		if i%10 == 0 {
			v = big + v
		}
		data = append(data, cmd("SET", fmt.Sprint("k", i), v)...)
		want[fmt.Sprintf("0/k%d", i)] = v
	}
	d, m := writeDir(t, data[:len(data)/3], data[len(data)/3:])
	// The cut between base and incr falls inside a command: that is a
	// truncated file that is not the last, so use a clean cut instead.
	cut := bytes.LastIndex(data[:len(data)/3], []byte("*3\r\n"))
	must(t, os.WriteFile(d.File(m.Base.Name), data[:cut], 0o644))
	must(t, os.WriteFile(d.File(m.Incr[0].Name), data[cut:], 0o644))
	got := model{}
	res, err := Load(d, m, got.apply, nil)
	must(t, err)
	if !reflect.DeepEqual(got, want) || res.Commands != 50 || res.BaseSize != int64(cut) || res.Size != int64(len(data)) {
		t.Fatalf("result %+v, %d keys", res, len(got))
	}
}

func TestLoadRefusesRDBBase(t *testing.T) {
	d, m := writeDir(t, []byte("REDIS0010\xfa"), nil)
	_, err := Load(d, m, model{}.apply, nil)
	if err == nil || !strings.Contains(err.Error(), "RDB format") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	d, m := writeDir(t, nil, nil)
	must(t, os.Remove(filepath.Join(d.Path, m.Incr[0].Name)))
	_, err := Load(d, m, model{}.apply, nil)
	if err == nil || !strings.Contains(err.Error(), "appendonly.aof.1.incr.aof") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzLoad feeds arbitrary bytes as the last incr file: the loader may
// refuse them but must not panic, and what it keeps must load again
// without truncation.
func FuzzLoad(f *testing.F) {
	f.Add(cmd("SET", "a", "1"))
	f.Add(append(cmd("MULTI"), cmd("SET", "a", "1")...))
	f.Add([]byte("#TS:1\r\n*1\r\n$4\r\nPING"))
	f.Add([]byte("*2\r\n$6\r\nSELECT\r\n$2\r\n-1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, m := writeDir(t, nil, data)
		apply := func(db int, args [][]byte) error { return nil }
		if _, err := Load(d, m, apply, nil); err != nil {
			return
		}
		res, err := Load(d, m, apply, nil)
		if err != nil || res.Truncated {
			t.Fatalf("second load of what the first kept: %+v %v", res, err)
		}
	})
}
