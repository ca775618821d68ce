package main

import (
	"reflect"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// The prompt and the pipe mode split lines with resp.SplitArgs, Redis's
// sdssplitargs; these are the rules a user of redis-cli relies on.
func TestSplitArgs(t *testing.T) {
	cases := []struct {
		line string
		want []string
		bad  bool
	}{
		{line: "", want: nil},
		{line: "   \t ", want: nil},
		{line: "SET a 1", want: []string{"SET", "a", "1"}},
		{line: "  GET   key  ", want: []string{"GET", "key"}},
		{line: `SET k "hello world"`, want: []string{"SET", "k", "hello world"}},
		{line: `SET k "a\nb\r\t"`, want: []string{"SET", "k", "a\nb\r\t"}},
		{line: `SET k "\x41\x42\x4"`, want: []string{"SET", "k", "ABx4"}},
		{line: `SET k "say \"hi\""`, want: []string{"SET", "k", `say "hi"`}},
		{line: `SET k 'it\'s \n raw'`, want: []string{"SET", "k", `it's \n raw`}},
		{line: `SET k ""`, want: []string{"SET", "k", ""}},
		{line: `SET k "unterminated`, bad: true},
		{line: `SET k 'unterminated`, bad: true},
		{line: `SET k "closed"glued`, bad: true},
	}
	for _, tc := range cases {
		got, err := resp.SplitArgs(tc.line)
		if tc.bad {
			if err == nil {
				t.Errorf("SplitArgs(%q) = %q, want an error", tc.line, got)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestRepeatPrefix(t *testing.T) {
	cases := []struct {
		in   []string
		n    int
		rest []string
	}{
		{[]string{"3", "INCR", "c"}, 3, []string{"INCR", "c"}},
		{[]string{"INCR", "c"}, 1, []string{"INCR", "c"}},
		{[]string{"0", "PING"}, 1, []string{"0", "PING"}},
		{[]string{"5"}, 1, []string{"5"}},
	}
	for _, tc := range cases {
		n, rest := repeatPrefix(tc.in)
		if n != tc.n || !reflect.DeepEqual(rest, tc.rest) {
			t.Errorf("repeatPrefix(%q) = %d, %q; want %d, %q", tc.in, n, rest, tc.n, tc.rest)
		}
	}
}

func TestSensitiveLinesStayOutOfHistory(t *testing.T) {
	for _, args := range [][]string{
		{"AUTH", "secret"}, {"auth", "user", "secret"}, {"HELLO", "3", "AUTH", "u", "p"},
		{"ACL", "SETUSER", "u", ">p"}, {"CONFIG", "SET", "requirepass", "p"},
	} {
		if !sensitive(args) {
			t.Errorf("%q would be saved in the history", args)
		}
	}
	if sensitive([]string{"SET", "a", "1"}) {
		t.Error("SET a 1 kept out of the history")
	}
}
