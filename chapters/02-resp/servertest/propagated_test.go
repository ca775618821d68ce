package servertest

import "testing"

func TestWordsMatchTakesQuestionMarkForOneArgument(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		match     bool
	}{
		{"SREM s 2 3", "SREM s ? ?", true},
		{"SREM s 2", "SREM s ? ?", false},
		{"SREM s 2 3 4", "SREM s ? ?", false},
		{"SREM t 2 3", "SREM s ? ?", false},
		{"HSET h f 1.6", "HSET h f 1.6", true},
		{"HSET h f 1.5", "HSET h f 1.6", false},
	} {
		if got := wordsMatch(tc.got, tc.want); got != tc.match {
			t.Errorf("wordsMatch(%q, %q) = %v", tc.got, tc.want, got)
		}
	}
}
