package servertest

import (
	"reflect"
	"testing"
)

func TestSplitArgsAsRedisCLI(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"SET k v", []string{"SET", "k", "v"}},
		{`  RPUSH  l "a b" 'c d'  `, []string{"RPUSH", "l", "a b", "c d"}},
		{`SET k "line\none\x41"`, []string{"SET", "k", "line\noneA"}},
		{`SET k 'it\'s'`, []string{"SET", "k", "it's"}},
		{`SET k ""`, []string{"SET", "k", ""}},
	} {
		got, err := SplitArgs(tc.line)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	for _, bad := range []string{`SET k "v`, `SET k "v"x`, `SET k 'v`} {
		if _, err := SplitArgs(bad); err == nil {
			t.Errorf("SplitArgs(%q) accepted unbalanced or glued quotes", bad)
		}
	}
}

func TestTryItSessionsReadsOnlyTheTryItSection(t *testing.T) {
	md := "# T\n\n```\n127.0.0.1:6380> GET x\n(nil)\n```\n\n## Try it\n\n```sh\ngo run .\n```\n\n" +
		"```\n127.0.0.1:6380> RPUSH l a b\n(integer) 2\n127.0.0.1:6380> LRANGE l 0 -1\n1) \"a\"\n2) \"b\"\n```\n\n" +
		BackgroundMark + "\n\n```\n127.0.0.1:6380> BLPOP q 0\n1) \"q\"\n2) \"x\"\n(1.52s)\n```\n\n## Tests\n\n```\n127.0.0.1:6380> PING\nPONG\n```\n"
	got := TryItSessions([]byte(md))
	want := []Session{
		{Line: 14, Steps: []Step{
			{Line: 15, Command: "RPUSH l a b", Output: "(integer) 2", lines: 1},
			{Line: 17, Command: "LRANGE l 0 -1", Output: "1) \"a\"\n2) \"b\"", lines: 2},
		}},
		{Line: 24, Background: true, Steps: []Step{{Line: 25, Command: "BLPOP q 0", Output: "1) \"q\"\n2) \"x\"", lines: 2}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sessions:\n%+v\nwant:\n%+v", got, want)
	}
}
