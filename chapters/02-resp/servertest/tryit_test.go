package servertest

import (
	"reflect"
	"testing"
)

func TestTryItBlocksReadsOnlyTheTryItSection(t *testing.T) {
	md := "# T\n\n## Concepts\n\n```\n127.0.0.1:6380> NOT A STEP\n```\n\n## Try it\n\n" +
		"```\ngo run .\n```\n\n" + // no prompt: left to the reader
		"```\n127.0.0.1:6380> MULTI\nOK\n127.0.0.1:6380(TX)> EXEC\n(empty array)\n127.0.0.1:6380[2]> GET k\n(nil)\n```\n\n" +
		"<!-- session: sub -->\n```\n1) \"message\"\n```\n\n" +
		BackgroundMark + "\n\n```\n127.0.0.1:6380> BLPOP q 0\n1) \"q\"\n2) \"x\"\n(1.52s)\n```\n\n" +
		"## Tests\n\n```\n127.0.0.1:6380> NOR THIS\n```\n"
	got, err := TryItBlocks([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Line: 15, Commands: []string{"MULTI", "EXEC", "GET k"}, Want: []string{"OK", "(empty array)", "(nil)"}},
		{Session: "sub", Line: 25, Want: []string{`1) "message"`}},
		{Background: true, Line: 31, Commands: []string{"BLPOP q 0"}, Want: []string{`1) "q"`, `2) "x"`}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks\n%+v\nwant\n%+v", got, want)
	}
}

func TestTryItBlocksRefusesABackgroundBlockOfTwoCommands(t *testing.T) {
	md := "## Try it\n\n" + BackgroundMark + "\n```\n127.0.0.1:6380> BLPOP q 0\n127.0.0.1:6380> PING\n```\n"
	if _, err := TryItBlocks([]byte(md)); err == nil {
		t.Error("a background block of two commands was accepted")
	}
}

func TestLineMatchesTakesEllipsisForAnyText(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		ok        bool
	}{
		{`1700000000.123456 [0 127.0.0.1:5555] "GET" "k"`, `… [0 127.0.0.1:…] "GET" "k"`, true},
		{`1700000000.123456 [1 127.0.0.1:5555] "GET" "k"`, `… [0 127.0.0.1:…] "GET" "k"`, false},
		{`(integer) 1`, `(integer) 1`, true},
		{`(integer) 12`, `(integer) 1`, false},
		{`a.b`, `a.c`, false},
	} {
		if got := lineMatches(tc.got, tc.want); got != tc.ok {
			t.Errorf("lineMatches(%q, %q) = %v", tc.got, tc.want, got)
		}
	}
}
