package resp

import "testing"

// BenchmarkParse cuts a pipeline of 100 SET commands per iteration.
func BenchmarkParse(b *testing.B) {
	var in []byte
	for range 100 {
		in = AppendCommand(in, []byte("SET"), []byte("key:000000000042"), []byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
	}
	var p Parser
	argv := make([][]byte, 0, 8)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		buf := in
		for len(buf) > 0 {
			args, n, err := p.Parse(buf, argv[:0])
			if err != nil || n == 0 {
				b.Fatal("bad frame")
			}
			argv = args
			buf = buf[n:]
		}
	}
}

// BenchmarkWriter writes a mix of replies (status, integer, bulk, null,
// array, double) into a reused buffer.
func BenchmarkWriter(b *testing.B) {
	for _, proto := range []int{2, 3} {
		b.Run(map[int]string{2: "RESP2", 3: "RESP3"}[proto], func(b *testing.B) {
			w := Writer{Proto: proto, B: make([]byte, 0, 1024)}
			val := []byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
			b.ReportAllocs()
			for b.Loop() {
				w.B = w.B[:0]
				w.SimpleString("OK")
				w.Int(12345)
				w.Bulk(val)
				w.Null()
				w.Map(2)
				w.BulkString("a")
				w.Double(3.14)
				w.BulkString("b")
				w.Bool(true)
			}
		})
	}
}
