package rdb

// Redis checksums RDB files and DUMP payloads with the CRC-64 variant
// its crc64.c calls "Jones": polynomial 0xad93d23594c935a9, reflected,
// initial value 0 and no final xor. The table is the bit-reversed
// polynomial's; eight of them let the loop take eight bytes a step
// ("slicing by 8"), which matters because every byte of a file passes
// through here.
var jonesTables = makeJonesTables()

func makeJonesTables() *[8][256]uint64 {
	const poly = 0x95ac9329ac4bc9b5 // 0xad93d23594c935a9 bit-reversed
	t := new([8][256]uint64)
	for i := range 256 {
		crc := uint64(i)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ poly
			} else {
				crc >>= 1
			}
		}
		t[0][i] = crc
	}
	for i := range 256 {
		crc := t[0][i]
		for j := 1; j < 8; j++ {
			crc = t[0][crc&0xff] ^ crc>>8
			t[j][i] = crc
		}
	}
	return t
}

// crc64Update continues Redis's crc64(crc, p) over p.
func crc64Update(crc uint64, p []byte) uint64 {
	t := jonesTables
	for len(p) >= 8 {
		crc ^= uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24 |
			uint64(p[4])<<32 | uint64(p[5])<<40 | uint64(p[6])<<48 | uint64(p[7])<<56
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^ t[4][crc>>24&0xff] ^
			t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^ t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}
