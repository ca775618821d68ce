package aof

import (
	"errors"
	"strings"
	"testing"
)

func TestParseManifest(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    string // MarshalText of the result
		problem string // ManifestError.Problem when it must fail
	}{
		{name: "redis first start",
			text: "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
			want: "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"},
		{name: "history and several incr files",
			text: "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n",
			want: "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n"},
		{name: "comments, CRLF, keys in any case and order, unknown keys",
			text: "# written by hand\r\nSEQ 1 type b FILE a.base.aof future x\r\n",
			want: "file a.base.aof seq 1 type b\n"},
		{name: "quoted name round trips",
			text: "file \"my aof\\x01.1.base.aof\" seq 1 type b\n",
			want: "file \"my aof\\x01.1.base.aof\" seq 1 type b\n"},
		{name: "empty file", text: "", problem: "Found an empty AOF manifest"},
		{name: "only comments is an empty manifest", text: "# nothing\n", want: ""},
		{name: "blank line", text: "file a seq 1 type b\n\n", problem: "Invalid AOF manifest file format"},
		{name: "too few fields", text: "file a seq 1\n", problem: "Invalid AOF manifest file format"},
		{name: "odd fields", text: "file a seq 1 type b x\n", problem: "Invalid AOF manifest file format"},
		{name: "seq not a number", text: "file a seq x type b\n", problem: "Invalid AOF manifest file format"},
		{name: "seq zero", text: "file a seq 0 type b\n", problem: "Invalid AOF manifest file format"},
		{name: "missing type", text: "file a seq 1 kind b\n", problem: "Invalid AOF manifest file format"},
		{name: "unbalanced quotes", text: "file \"a seq 1 type b\n", problem: "Invalid AOF manifest file format"},
		{name: "path", text: "file ../a seq 1 type b\n", problem: "File can't be a path, just a filename"},
		{name: "backslash path", text: "file \"a\\\\b\" seq 1 type b\n", problem: "File can't be a path, just a filename"},
		{name: "two bases", text: "file a seq 1 type b\nfile b seq 2 type b\n", problem: "Found duplicate base file information"},
		{name: "incr seq goes back", text: "file a seq 2 type i\nfile b seq 2 type i\n", problem: "Found a non-monotonic sequence number"},
		{name: "unknown type", text: "file a seq 1 type x\n", problem: "Unknown AOF file type"},
		{name: "last line without newline", text: "file a seq 1 type b", problem: "The AOF manifest file contains too long line"},
		{name: "line over 1024 bytes", text: "file " + strings.Repeat("a", 1100) + " seq 1 type b\n", problem: "The AOF manifest file contains too long line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseManifest(strings.NewReader(tt.text))
			if tt.problem != "" {
				var me *ManifestError
				if !errors.As(err, &me) || me.Problem != tt.problem {
					t.Fatalf("err = %v, want problem %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := m.MarshalText()
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestManifestNamingAndHistory(t *testing.T) {
	m := &Manifest{}
	if got := m.NewBase("appendonly.aof", false); got != "appendonly.aof.1.base.aof" {
		t.Fatalf("base %q", got)
	}
	if got := m.LastIncr("appendonly.aof"); got != "appendonly.aof.1.incr.aof" {
		t.Fatalf("incr %q", got)
	}
	if got := m.LastIncr("appendonly.aof"); got != "appendonly.aof.1.incr.aof" {
		t.Fatalf("LastIncr must not create a second file, got %q", got)
	}
	// What a rewrite does: new incr at the start, new base at the end.
	m.NewIncr("appendonly.aof")
	snapshot := m.Clone()
	m.NewBase("appendonly.aof", false)
	m.MarkIncrHistory()
	got, _ := m.MarshalText()
	// Redis puts each newly obsolete file at the head of the history list:
	// first the old base, then the rewritten incr files in front of it.
	want := "file appendonly.aof.2.base.aof seq 2 type b\n" +
		"file appendonly.aof.1.incr.aof seq 1 type h\n" +
		"file appendonly.aof.1.base.aof seq 1 type h\n" +
		"file appendonly.aof.2.incr.aof seq 2 type i\n"
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if old, _ := snapshot.MarshalText(); strings.Contains(string(old), "type h") {
		t.Fatalf("Clone shares state with the original:\n%s", old)
	}
	back, err := ParseManifest(strings.NewReader(want))
	if err != nil || back.BaseSeq != 2 || back.IncrSeq != 2 || len(back.History) != 2 {
		t.Fatalf("reparse: %+v %v", back, err)
	}
}
