package main

import (
	"bytes"
	"testing"
)

func TestRunPrintsTheReplyAsSent(t *testing.T) {
	tests := []struct {
		proto int
		seeds []string
		args  []string
		want  string
		log   string
	}{
		{2, nil, []string{`return redis.call("incr", KEYS[1])`, "1", "counter"}, "\":1\\r\\n\"\n", ""},
		{2, []string{"name=gocache"}, []string{`return redis.call("get", KEYS[1])`, "1", "name"}, "\"$7\\r\\ngocache\\r\\n\"\n", ""},
		{3, nil, []string{`return redis.call("get", "nosuch")`, "0"}, "\"_\\r\\n\"\n", ""},
		{2, nil, []string{`redis.log(redis.LOG_WARNING, "hi", ARGV[1]) return 1`, "0", "x"}, "\":1\\r\\n\"\n", "log 3: hi x\n"},
	}
	for _, tc := range tests {
		var out, log bytes.Buffer
		if err := run(&out, &log, tc.proto, tc.seeds, tc.args); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if out.String() != tc.want || log.String() != tc.log {
			t.Errorf("%q: printed %q and logged %q, want %q and %q", tc.args, out.String(), log.String(), tc.want, tc.log)
		}
	}
	if err := run(&bytes.Buffer{}, &bytes.Buffer{}, 2, nil, []string{"return 1", "3"}); err == nil {
		t.Error("NUMKEYS larger than the keys given was accepted")
	}
}
