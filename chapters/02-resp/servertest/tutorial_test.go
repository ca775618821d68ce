package servertest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestTryStepsReadsSessionsOfTheTryItSection(t *testing.T) {
	readme := filepath.Join(t.TempDir(), "README.md")
	text := "# T\n\n## Concepts\n\n```\n127.0.0.1:6380> NOT A STEP\n```\n\n## Try it\n\n" +
		"```\ngo run .\n```\n\n" + // no prompt: left to the reader
		"```\n127.0.0.1:6380> MULTI\nOK\n127.0.0.1:6380(TX)> EXEC\n(empty array)\n127.0.0.1:6380[2]> GET k\n(nil)\n```\n\n" +
		"<!-- session: sub -->\n```\n1) \"message\"\n```\n\n## Tests\n\n```\n127.0.0.1:6380> NOR THIS\n```\n"
	if err := os.WriteFile(readme, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	steps, err := TrySteps(readme)
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Line: 15, Commands: []string{"MULTI", "EXEC", "GET k"}, Want: []string{"OK", "(empty array)", "(nil)"}},
		{Session: "sub", Line: 25, Want: []string{`1) "message"`}},
	}
	if !reflect.DeepEqual(steps, want) {
		t.Errorf("steps\n%+v\nwant\n%+v", steps, want)
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
