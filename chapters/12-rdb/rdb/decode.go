package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// Kind says what an Entry holds.
type Kind uint8

const (
	KindAux      Kind = iota + 1 // an AUX field: AuxKey, AuxValue
	KindSelectDB                 // the start of database DB
	KindResizeDB                 // size hints for the current database: DBSize, ExpiresSize
	KindFunction                 // a function library: Function
	KindKey                      // a key: DB, Key, Value, Meta
)

// Entry is one record of a file, as Decoder.Next returns it.
type Entry struct {
	Kind  Kind
	DB    int
	Key   []byte
	Value Value
	Meta

	AuxKey, AuxValue    []byte
	DBSize, ExpiresSize uint64
	Function            []byte
}

// Error is a decoding failure: the file, the byte offset at which the
// problem was found and, inside a key, the key's name.
type Error struct {
	File   string
	Offset int64
	Key    []byte // nil outside a key
	Err    error
}

func (e *Error) Error() string {
	if e.Key != nil {
		return fmt.Sprintf("%s: offset %d: key %q: %v", e.File, e.Offset, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: offset %d: %v", e.File, e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrChecksum is the cause of an Error for a file whose CRC64 trailer does
// not match its contents.
var ErrChecksum = errors.New("wrong RDB checksum")

// ErrUnsupported is the cause of an Error for a value this package does
// not load (streams, modules, hash field expirations).
var ErrUnsupported = errors.New("is not supported")

// reader counts offsets and keeps the running checksum of what it reads.
type reader struct {
	br      *bufio.Reader
	off     int64
	crc     uint64
	version int
	scratch [256]byte // for fixed-size fields, so that they cost no allocation
}

func (r *reader) byte() (byte, error) {
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, noEOF(err)
	}
	r.off++
	r.crc = jonesTables[0][byte(r.crc)^b] ^ r.crc>>8
	return b, nil
}

// fixed reads n bytes, at most len(r.scratch), into the reader's scratch
// space: the result is valid until the next read.
func (r *reader) fixed(n int) ([]byte, error) {
	p := r.scratch[:n]
	if err := r.fill(p); err != nil {
		return nil, err
	}
	return p, nil
}

// bytes reads n bytes. A length read from the file may be a lie, so the
// buffer grows only as data arrives: memory stays within twice what the
// input really holds.
func (r *reader) bytes(n uint64) ([]byte, error) {
	const chunk = 1 << 20
	var b []byte
	if n <= chunk {
		b = make([]byte, n)
		if err := r.fill(b); err != nil {
			return nil, err
		}
		return b, nil
	}
	for uint64(len(b)) < n {
		m := int(min(n-uint64(len(b)), chunk))
		b = slices.Grow(b, m)
		if err := r.fill(b[len(b) : len(b)+m]); err != nil {
			return nil, err
		}
		b = b[:len(b)+m]
	}
	return b, nil
}

func (r *reader) fill(b []byte) error {
	n, err := io.ReadFull(r.br, b)
	r.off += int64(n)
	r.crc = crc64Update(r.crc, b[:n])
	return noEOF(err)
}

// noEOF turns a clean end of input, which inside a file means truncation,
// into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readString reads a string in any of its encodings (rdbGenericLoadStringObject).
func (r *reader) readString() ([]byte, error) {
	n, enc, err := r.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		return r.bytes(n)
	}
	switch n {
	case encInt8:
		b, err := r.byte()
		return strconv.AppendInt(nil, int64(int8(b)), 10), err
	case encInt16:
		p, err := r.fixed(2)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(p))), 10), nil
	case encInt32:
		p, err := r.fixed(4)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(p))), 10), nil
	case encLZF:
		clen, err := r.readCount()
		if err != nil {
			return nil, err
		}
		ulen, err := r.readCount()
		if err != nil {
			return nil, err
		}
		if ulen == 0 || ulen > clen*lzfMaxRatio {
			return nil, fmt.Errorf("%w: %d bytes cannot expand to %d", errLZF, clen, ulen)
		}
		c, err := r.bytes(clen)
		if err != nil {
			return nil, err
		}
		return lzfDecompress(c, int(ulen))
	}
	return nil, fmt.Errorf("unknown string encoding %d", n)
}

// A Decoder reads an RDB file record by record. The data is whole only
// once Next has returned io.EOF, after the checksum was verified: a caller
// that applies keys as they come must be ready to discard them on error.
// Keys whose expiry has passed are returned like any other; dropping them
// (as a Redis primary does on load) is the caller's choice.
type Decoder struct {
	r    reader
	name string
	db   int
	err  error // sticky: the first error, or io.EOF at the end
	// EmptyKeysSkipped counts keys whose aggregate value was empty, which
	// Redis 7 skips on load as well.
	EmptyKeysSkipped int
}

// NewDecoder returns a Decoder reading r; name (usually the file's path)
// is used in errors. If r is a *bufio.Reader the Decoder reads no further
// than the checksum, so what follows (an AOF tail) is still there.
func NewDecoder(r io.Reader, name string) *Decoder {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &Decoder{r: reader{br: br}, name: name}
}

// Offset is the number of bytes read so far: where the next record starts.
func (d *Decoder) Offset() int64 { return d.r.off }

// Version is the file's RDB version, known after the first Next.
func (d *Decoder) Version() int { return d.r.version }

func (d *Decoder) fail(off int64, key []byte, err error) error {
	d.err = &Error{File: d.name, Offset: off, Key: key, Err: err}
	return d.err
}

// Next returns the next record. At the end of a whole file it returns
// io.EOF; on a malformed, truncated or unsupported file an *Error. Byte
// slices in the Entry are the caller's to keep.
func (d *Decoder) Next() (Entry, error) {
	if d.err != nil {
		return Entry{}, d.err
	}
	r := &d.r
	if r.version == 0 {
		if err := d.readHeader(); err != nil {
			return Entry{}, err
		}
	}
	var meta Meta // what EXPIRETIME, IDLE and FREQ said about the coming key
	for {
		start := r.off
		t, err := r.byte()
		if err != nil {
			return Entry{}, d.fail(r.off, nil, err)
		}
		e, ok, err := d.record(t, start, &meta)
		if err != nil {
			if _, located := err.(*Error); located || err == io.EOF { // io.EOF: the file is whole
				return Entry{}, err
			}
			return Entry{}, d.fail(r.off, nil, err)
		}
		if ok {
			return e, nil
		}
	}
}

// record reads the record that starts with byte t at offset start. It
// returns ok false for a record that only annotates the next key (meta)
// or is skipped, and a plain error for a failure at the current offset.
func (d *Decoder) record(t byte, start int64, meta *Meta) (e Entry, ok bool, err error) {
	r := &d.r
	switch t {
	case opExpireTimeMs:
		p, err := r.fixed(8)
		meta.ExpireMs = int64(leUint(p))
		return Entry{}, false, err
	case opExpireTime: // seconds, before RDB 3
		p, err := r.fixed(4)
		meta.ExpireMs = int64(int32(leUint(p))) * 1000
		return Entry{}, false, err
	case opIdle:
		meta.Evict = EvictLRU
		meta.Idle, err = r.readCount()
		return Entry{}, false, err
	case opFreq:
		meta.Evict = EvictLFU
		meta.Freq, err = r.byte()
		return Entry{}, false, err
	case opSlotInfo: // cluster slot sizes (7.4): hints only
		for range 3 {
			if _, err := r.readCount(); err != nil {
				return Entry{}, false, err
			}
		}
		return Entry{}, false, nil
	case opModuleAux:
		return Entry{}, false, r.skipModuleAux()
	case opAux:
		e = Entry{Kind: KindAux, DB: d.db}
		if e.AuxKey, err = r.readString(); err == nil {
			e.AuxValue, err = r.readString()
		}
		return e, true, err
	case opSelectDB:
		n, err := r.readCount()
		if err == nil && n > math.MaxInt32 {
			return Entry{}, false, d.fail(start, nil, fmt.Errorf("database number %d out of range", n))
		}
		d.db = int(n)
		return Entry{Kind: KindSelectDB, DB: d.db}, true, err
	case opResizeDB:
		e = Entry{Kind: KindResizeDB, DB: d.db}
		if e.DBSize, err = r.readCount(); err == nil {
			e.ExpiresSize, err = r.readCount()
		}
		return e, true, err
	case opFunction2:
		e = Entry{Kind: KindFunction, DB: d.db}
		e.Function, err = r.readString()
		return e, true, err
	case opFunctionPreGA:
		return Entry{}, false, d.fail(start, nil, fmt.Errorf("a function library in the 7.0 release-candidate format %w", ErrUnsupported))
	case opEOF:
		return Entry{}, false, d.readTrailer()
	}
	key, err := r.readString()
	if err != nil {
		return Entry{}, false, err
	}
	v, err := r.readValue(t)
	if err != nil {
		if _, ok := err.(typeError); ok {
			return Entry{}, false, d.fail(start, key, err)
		}
		return Entry{}, false, d.fail(r.off, key, err)
	}
	if v == nil {
		d.EmptyKeysSkipped++
		*meta = Meta{}
		return Entry{}, false, nil
	}
	return Entry{Kind: KindKey, DB: d.db, Key: key, Value: v, Meta: *meta}, true, nil
}

// leUint reads a little-endian integer of len(p) bytes; 0 for a nil p.
func leUint(p []byte) uint64 {
	var u uint64
	for i := len(p) - 1; i >= 0; i-- {
		u = u<<8 | uint64(p[i])
	}
	return u
}

func (d *Decoder) readHeader() error {
	r := &d.r
	p, err := r.fixed(9)
	if err != nil {
		return d.fail(r.off, nil, err)
	}
	if string(p[:5]) != "REDIS" {
		return d.fail(0, nil, errors.New("not an RDB file (no REDIS magic)"))
	}
	v, err := strconv.Atoi(string(p[5:]))
	if err != nil || v < 1 || v > MaxVersion {
		return d.fail(5, nil, fmt.Errorf("unsupported RDB version %q", p[5:]))
	}
	r.version = v
	return nil
}

// readTrailer checks the CRC64 that follows EOF in files of version 5 and
// later; a stored 0 means the writer had rdbchecksum off.
func (d *Decoder) readTrailer() error {
	r := &d.r
	if r.version >= 5 {
		want := r.crc
		p, err := r.fixed(8)
		if err != nil {
			return d.fail(r.off, nil, err)
		}
		if got := binary.LittleEndian.Uint64(p); got != 0 && got != want {
			return d.fail(r.off-8, nil, fmt.Errorf("%w: file says %016x, contents give %016x", ErrChecksum, got, want))
		}
	}
	d.err = io.EOF
	return io.EOF
}

// skipModuleAux passes over module auxiliary data, which needs the module
// to mean anything but is self-describing enough to skip (module opcodes,
// as rdbLoadCheckModuleValue reads them).
func (r *reader) skipModuleAux() error {
	if _, err := r.readCount(); err != nil { // module id
		return err
	}
	whenOp, err := r.readCount()
	if err != nil {
		return err
	}
	if whenOp != 2 {
		return errors.New("bad module aux when_opcode")
	}
	if _, err := r.readCount(); err != nil {
		return err
	}
	for {
		op, err := r.readCount()
		if err != nil {
			return err
		}
		switch op {
		case 0: // EOF
			return nil
		case 1, 2: // signed, unsigned integer
			_, err = r.readCount()
		case 3: // float
			_, err = r.fixed(4)
		case 4: // double
			_, err = r.fixed(8)
		case 5: // string
			_, err = r.readString()
		default:
			err = fmt.Errorf("unknown module value opcode %d", op)
		}
		if err != nil {
			return err
		}
	}
}

// typeError marks an error about the value's type byte, reported at the
// start of the record.
type typeError struct{ error }

func (e typeError) Unwrap() error { return e.error }

func unsupported(what string, t byte) error {
	return typeError{fmt.Errorf("%s (RDB type %d) %w", what, t, ErrUnsupported)}
}

// readValue reads a value of RDB type t. It returns nil for an empty
// aggregate, which Redis also skips.
func (r *reader) readValue(t byte) (Value, error) {
	switch t {
	case typeString:
		s, err := r.readString()
		if err != nil {
			return nil, err
		}
		return String(s), nil
	case typeList, typeSet:
		elems, err := r.readStrings(1)
		if err != nil || len(elems) == 0 {
			return nil, err
		}
		if t == typeList {
			return List(elems), nil
		}
		return checkSet(elems)
	case typeHash:
		flat, err := r.readStrings(2)
		if err != nil || len(flat) == 0 {
			return nil, err
		}
		return pairHash(flat)
	case typeZSet, typeZSet2:
		return r.readZSet(t == typeZSet2)
	case typeHashZipmap:
		b, err := r.readString()
		if err != nil {
			return nil, err
		}
		pairs, err := parseZipmap(b)
		if err != nil || len(pairs) == 0 {
			return nil, err
		}
		return checkHash(pairs)
	case typeListZiplist:
		return r.readBlobList(parseZiplist, listFrom)
	case typeSetIntset:
		return r.readBlobList(parseIntset, checkSet)
	case typeSetListpack:
		return r.readBlobList(parseListpack, checkSet)
	case typeZSetZiplist:
		return r.readBlobList(parseZiplist, zsetFrom)
	case typeZSetListpack:
		return r.readBlobList(parseListpack, zsetFrom)
	case typeHashZiplist:
		return r.readBlobList(parseZiplist, pairHash)
	case typeHashListpack:
		return r.readBlobList(parseListpack, pairHash)
	case typeListQuicklist, typeListQuicklist2:
		return r.readQuicklist(t == typeListQuicklist2)
	case typeStreamListpacks, typeStreamListpacks2, typeStreamListpacks3:
		return r.readStream(t)
	case typeModulePreGA, typeModule2:
		return nil, unsupported("a module value", t)
	case typeHashMetadataPreGA, typeHashListpackExPreGA, typeHashMetadata, typeHashListpackEx:
		return nil, unsupported("a hash with field expirations", t)
	}
	return nil, typeError{fmt.Errorf("unknown value type %d", t)}
}

// readStrings reads a count and count*per strings.
func (r *reader) readStrings(per uint64) ([][]byte, error) {
	n, err := r.readCount()
	if err != nil {
		return nil, err
	}
	if n > math.MaxInt64/per {
		return nil, fmt.Errorf("length %d out of range", n)
	}
	n *= per
	out := make([][]byte, 0, min(n, 1024)) // n is not trusted yet
	for range n {
		s, err := r.readString()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// readBlobList reads a string holding a ziplist, listpack or intset,
// parses its elements and builds the value; an empty one is nil.
func (r *reader) readBlobList(parse func([]byte) ([][]byte, error), build func([][]byte) (Value, error)) (Value, error) {
	b, err := r.readString()
	if err != nil {
		return nil, err
	}
	elems, err := parse(b)
	if err != nil || len(elems) == 0 {
		return nil, err
	}
	return build(elems)
}

func (r *reader) readQuicklist(v2 bool) (Value, error) {
	n, err := r.readCount()
	if err != nil {
		return nil, err
	}
	var list List
	for range n {
		container := uint64(containerPacked)
		if v2 {
			if container, err = r.readCount(); err != nil {
				return nil, err
			}
		}
		b, err := r.readString()
		if err != nil {
			return nil, err
		}
		switch {
		case container == containerPlain:
			list = append(list, b)
			continue
		case container != containerPacked:
			return nil, fmt.Errorf("unknown quicklist container %d", container)
		}
		parse := parseZiplist
		if v2 {
			parse = parseListpack
		}
		elems, err := parse(b)
		if err != nil {
			return nil, err
		}
		list = append(list, elems...)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

func (r *reader) readZSet(binaryScores bool) (Value, error) {
	n, err := r.readCount()
	if err != nil {
		return nil, err
	}
	z := make(ZSet, 0, min(n, 1024))
	for range n {
		m, err := r.readString()
		if err != nil {
			return nil, err
		}
		var score float64
		if binaryScores {
			p, err := r.fixed(8)
			if err != nil {
				return nil, err
			}
			score = math.Float64frombits(binary.LittleEndian.Uint64(p))
		} else if score, err = r.readOldScore(); err != nil {
			return nil, err
		}
		z = append(z, Scored{Member: m, Score: score})
	}
	if len(z) == 0 {
		return nil, nil
	}
	return checkZSet(z)
}

// readOldScore reads a score of the ZSET type of RDB versions before 8: a
// length byte, 253 nan, 254 +inf, 255 -inf, else that many ASCII bytes.
func (r *reader) readOldScore() (float64, error) {
	n, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	p, err := r.fixed(int(n))
	if err != nil {
		return 0, err
	}
	return parseScore(p)
}

func parseScore(p []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(p), 64)
	if err != nil {
		return 0, fmt.Errorf("bad sorted set score %q", p)
	}
	return f, nil
}

func listFrom(elems [][]byte) (Value, error) { return List(elems), nil }

func checkSet(elems [][]byte) (Value, error) {
	seen := make(map[string]struct{}, len(elems))
	for _, m := range elems {
		if _, dup := seen[string(m)]; dup {
			return nil, fmt.Errorf("duplicate set member %q", m)
		}
		seen[string(m)] = struct{}{}
	}
	return Set(elems), nil
}

func pairHash(flat [][]byte) (Value, error) {
	if len(flat)%2 != 0 {
		return nil, errors.New("hash with an odd number of elements")
	}
	pairs := make(Hash, len(flat)/2)
	for i := range pairs {
		pairs[i] = [2][]byte{flat[2*i], flat[2*i+1]}
	}
	return checkHash(pairs)
}

func checkHash(pairs Hash) (Value, error) {
	seen := make(map[string]struct{}, len(pairs))
	for _, p := range pairs {
		if _, dup := seen[string(p[0])]; dup {
			return nil, fmt.Errorf("duplicate hash field %q", p[0])
		}
		seen[string(p[0])] = struct{}{}
	}
	return pairs, nil
}

func zsetFrom(flat [][]byte) (Value, error) {
	if len(flat)%2 != 0 {
		return nil, errors.New("sorted set with an odd number of elements")
	}
	z := make(ZSet, len(flat)/2)
	for i := range z {
		score, err := parseScore(flat[2*i+1])
		if err != nil {
			return nil, err
		}
		z[i] = Scored{Member: flat[2*i], Score: score}
	}
	return checkZSet(z)
}

func checkZSet(z ZSet) (Value, error) {
	seen := make(map[string]struct{}, len(z))
	for _, s := range z {
		if math.IsNaN(s.Score) {
			return nil, fmt.Errorf("sorted set member %q with a NaN score", s.Member)
		}
		if _, dup := seen[string(s.Member)]; dup {
			return nil, fmt.Errorf("duplicate sorted set member %q", s.Member)
		}
		seen[string(s.Member)] = struct{}{}
	}
	return z, nil
}
