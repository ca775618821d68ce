package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

var errMemory = errors.New("argument must be a memory value")

// memoryUnits are the suffixes Redis's memtoull knows. k, m and g are
// powers of 1000, kb, mb and gb powers of 1024, in any case.
var memoryUnits = map[string]uint64{
	"": 1, "b": 1,
	"k": 1000, "kb": 1024,
	"m": 1000 * 1000, "mb": 1024 * 1024,
	"g": 1000 * 1000 * 1000, "gb": 1024 * 1024 * 1024,
}

// ParseMemory parses a memory value such as "100", "1k", "64mb" or "1GB"
// exactly as Redis's memtoull does: digits, then an optional unit. A sign,
// a space, an unknown unit or an overflow is an error. Like Redis, a bare
// unit ("kb") counts as zero.
func ParseMemory(s string) (uint64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	mul, ok := memoryUnits[strings.ToLower(s[i:])]
	if !ok {
		return 0, errMemory
	}
	if i == 0 {
		return 0, nil
	}
	if i >= 128 {
		return 0, errMemory
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || n > math.MaxUint64/mul {
		return 0, errMemory
	}
	return n * mul, nil
}
