package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// A DUMP payload (createDumpPayload in Redis's cluster.c) is one value as
// an RDB file stores it, then a footer:
//
//	<type> <value> <RDB version: uint16 LE> <CRC64 of all before it: 8 bytes LE>

// ErrDumpPayload is RESTORE's reply to a payload whose version is too new
// or whose checksum does not match.
var ErrDumpPayload = errors.New("ERR DUMP payload version or checksum are wrong")

// ErrBadData is RESTORE's reply to a payload that passes those checks but
// does not hold a valid value; errors from ParseDump wrap it with detail.
var ErrBadData = errors.New("ERR Bad data format")

// DumpValue returns the DUMP payload of v, laid out under opts as Redis
// would hold it; nil for a nil v.
func DumpValue(v Value, opts Options) []byte {
	if v == nil {
		return nil
	}
	e := Encoder{opts: opts}
	t, p := e.appendValue([]byte{0}, v)
	p[0] = t
	p = binary.LittleEndian.AppendUint16(p, Version)
	return binary.LittleEndian.AppendUint64(p, crc64Update(0, p))
}

// ParseDump returns the value in a DUMP payload after RESTORE's checks
// (verifyDumpPayload): at least a footer, a version this package reads
// and a matching CRC64. Unlike Redis it also refuses bytes left over
// after the value.
func ParseDump(payload []byte) (Value, error) {
	if len(payload) < 10 {
		return nil, ErrDumpPayload
	}
	footer := payload[len(payload)-10:]
	version := int(binary.LittleEndian.Uint16(footer))
	if version > MaxVersion || crc64Update(0, payload[:len(payload)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, ErrDumpPayload
	}
	body := payload[:len(payload)-10]
	r := reader{br: bufio.NewReaderSize(bytes.NewReader(body), min(max(len(body), 16), 64<<10)), version: max(version, 1)}
	t, err := r.byte()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadData, err)
	}
	v, err := r.readValue(t)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: offset %d: %v", ErrBadData, r.off, err)
	case v == nil:
		return nil, fmt.Errorf("%w: empty value", ErrBadData)
	case r.off != int64(len(body)):
		return nil, fmt.Errorf("%w: %d bytes after the value", ErrBadData, int64(len(body))-r.off)
	}
	return v, nil
}
