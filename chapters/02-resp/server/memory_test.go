package server_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// TestParseMemoryIsMemtoull pins Redis 7.0's memtoull. The expected values
// are what redis-server 7.0.15 stores for CONFIG SET maxmemory (and reads
// from a configuration file), including what it does with odd input.
func TestParseMemoryIsMemtoull(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"100", 100, true},
		{"1b", 1, true},
		{"1B", 1, true},
		{"1k", 1000, true},
		{"1K", 1000, true},
		{"1kb", 1024, true},
		{"1KB", 1024, true},
		{"1Kb", 1024, true},
		{"1kB", 1024, true},
		{"1m", 1000000, true},
		{"1mb", 1 << 20, true},
		{"64MB", 64 << 20, true},
		{"1g", 1000000000, true},
		{"1G", 1000000000, true},
		{"1gb", 1 << 30, true},
		{"1gB", 1 << 30, true},
		{"01", 1, true},  // leading zeros are fine here (strtoull)
		{"007", 7, true}, // unlike string2ll
		{"", 0, true},    // no digits read as zero
		{"kb", 0, true},
		{"k", 0, true},
		{"b", 0, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 1<<64 - 1, true},    // strtoull saturates
		{"99999999999999999999999", 1<<64 - 1, true}, // ... however far past
		{"18446744073709551616k", 18446744073709550616, true},
		{"17179869183gb", 18446744072635809792, true},
		{"17179869184gb", 0, true}, // the product wraps around 2^64
		{"17179869185gb", 1 << 30, true},
		{"9223372036854775808k", 0, true},
		{strings.Repeat("0", 126) + "1kb", 1024, true}, // 127 digits
		{strings.Repeat("0", 127) + "1", 0, false},     // 128 digits
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1 kb", 0, false},
		{"+1", 0, false},
		{"-1", 0, false},
		{"-0", 0, false},
		{"1.5", 0, false},
		{"1.5mb", 0, false},
		{"1kib", 0, false},
		{"1t", 0, false},
		{"1tb", 0, false},
		{"1bb", 0, false},
		{"1kbb", 0, false},
		{"0x10", 0, false},
		{"1e3", 0, false},
	}
	for _, tt := range tests {
		got, ok := server.ParseMemory(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
