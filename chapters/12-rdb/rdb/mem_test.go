package rdb

import (
	"bufio"
	"encoding/binary"
	"io"
	"runtime"
)

// runtimeMem samples the bytes allocated so far.
type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

func newBufioReader(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }

func appendCRC(p []byte) []byte {
	return binary.LittleEndian.AppendUint64(p, crc64Update(0, p))
}
