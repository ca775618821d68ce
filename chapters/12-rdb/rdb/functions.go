package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrNotFunction is FUNCTION RESTORE's reply to a payload holding
// something other than function libraries.
var ErrNotFunction = errors.New("ERR given type is not a function")

// DumpFunctions returns FUNCTION DUMP's payload (functionDumpCommand):
// each library's code as an RDB_OPCODE_FUNCTION2 record, then the same
// footer as DUMP, RDB version and CRC64.
func DumpFunctions(codes [][]byte, opts Options) []byte {
	e := Encoder{opts: opts}
	var p []byte
	for _, c := range codes {
		p = e.appendString(append(p, opFunction2), c)
	}
	p = binary.LittleEndian.AppendUint16(p, Version)
	return binary.LittleEndian.AppendUint64(p, crc64Update(0, p))
}

// ParseFunctionsDump returns the library codes in a FUNCTION DUMP
// payload after RESTORE's footer checks.
func ParseFunctionsDump(payload []byte) ([][]byte, error) {
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
	var codes [][]byte
	for r.off < int64(len(body)) {
		t, err := r.byte()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadData, err)
		}
		if t != opFunction2 {
			return nil, ErrNotFunction
		}
		code, err := r.readString()
		if err != nil {
			return nil, fmt.Errorf("%w: offset %d: %v", ErrBadData, r.off, err)
		}
		codes = append(codes, code)
	}
	return codes, nil
}
