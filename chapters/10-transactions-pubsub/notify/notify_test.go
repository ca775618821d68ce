package notify

import "testing"

// TestClassesReadAndWrittenAsRedis: notify-keyspace-events' letters are
// read as Redis's keyspaceEventsStringToFlags reads them and written back
// as keyspaceEventsFlagsToString writes them for CONFIG GET: A for all
// the classes it covers (and then no n), K, E and m last.
func TestClassesReadAndWrittenAsRedis(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"", ""},
		{"KEA", "AKE"},
		{"Kg$lx", "g$lxK"},
		{"Ex", "xE"},
		{"AKEn", "AKE"},
		{"Kn", "nK"},
		{"g$lshzxetdK", "AK"},
		{"Em", "Em"},
	} {
		classes, err := ParseClasses(tc.in)
		if err != nil {
			t.Fatalf("ParseClasses(%q): %v", tc.in, err)
		}
		if got := FormatClasses(classes); got != tc.out {
			t.Errorf("FormatClasses(ParseClasses(%q)) = %q, want %q", tc.in, got, tc.out)
		}
	}
	if _, err := ParseClasses("KEQ"); err == nil || err.Error() != "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." {
		t.Errorf("ParseClasses(KEQ): %v", err)
	}
}
