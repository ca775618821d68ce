package rdb

import "hash/crc64"

// Redis checksums RDB files and DUMP payloads with the CRC-64 variant
// its crc64.c calls "Jones": polynomial 0xad93d23594c935a9, reflected,
// initial value 0 and no final xor. Go's hash/crc64 implements the same
// reflected table algorithm but inverts the value before and after each
// update, so inverting around it gives Redis's function while keeping
// the standard library's fast slicing-by-8 loop for long inputs.
var jonesTable = crc64.MakeTable(0x95ac9329ac4bc9b5) // the polynomial, bit-reversed

// crc64Update continues Redis's crc64(crc, p) over p.
func crc64Update(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, jonesTable, p)
}
