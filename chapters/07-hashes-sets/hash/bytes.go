package hash

import (
	"unsafe"
)

// keyBytes views a dict key as bytes without copying; callers only read
// it (the API documents returned slices as read-only).
func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
