package cache_test

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// benchmarkRequestPath sends batches of pipelined commands over a real
// socket and reads the replies into a fixed buffer, so that -benchmem
// counts what the server allocates per command: reactor, parser,
// dispatch, keyspace and reply together. In the steady state (keys and
// buffers already there) that should be nothing.
func benchmarkRequestPath(b *testing.B, batch []byte, commands int, replyLen int) {
	s := servertest.Start(b, func(s *server.Server) { cache.Register(s) })
	conn, err := net.Dial("tcp", servertest.Addr(s))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	replies := make([]byte, replyLen)
	round := func() {
		if _, err := conn.Write(batch); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(conn, replies); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ { // warm up: keys, pools, buffers
		round()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		round()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*commands)/b.Elapsed().Seconds(), "cmds/s")
}

// pipeline repeats one command n times with keys key:0 .. key:n-1.
func pipeline(n int, args ...string) []byte {
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		cmd := append([]string{}, args...)
		cmd[1] += strconv.Itoa(i)
		buf.Write(servertest.Command(cmd...))
	}
	return buf.Bytes()
}

func BenchmarkRequestPathSET(b *testing.B) {
	const n = 64
	benchmarkRequestPath(b, pipeline(n, "SET", "key:", "0123456789abcdef0123456789abcdef"), n, n*len("+OK\r\n"))
}

func BenchmarkRequestPathGET(b *testing.B) {
	const n = 64
	s := pipeline(n, "SET", "key:", "0123456789abcdef0123456789abcdef")
	get := pipeline(n, "GET", "key:")
	// One SET batch then GETs: the SETs' replies are read in the warm-up
	// of a combined batch.
	benchmarkRequestPath(b, append(s, get...), 2*n, n*len("+OK\r\n")+n*len("$32\r\n0123456789abcdef0123456789abcdef\r\n"))
}

// TestRequestPathDoesNotAllocate turns the benchmark's claim into a check
// that runs with the tests: after warm-up, a batch of pipelined SET and
// GET allocates (almost) nothing in the whole process.
func TestRequestPathDoesNotAllocate(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts are meaningless under -race (the detector allocates)")
	}
	res := testing.Benchmark(BenchmarkRequestPathSET)
	if perCmd := float64(res.AllocsPerOp()) / 64; perCmd > 0.1 {
		t.Fatalf("%.2f allocations per SET in the steady state, want ~0 (%v)", perCmd, res.MemString())
	}
}

// BenchmarkRequestPathSET1K is redis-benchmark's -d 1024 -P 16 SET: one
// key overwritten with 1 KiB values, sixteen to a batch.
func BenchmarkRequestPathSET1K(b *testing.B) {
	const n = 16
	var buf bytes.Buffer
	val := strings.Repeat("x", 1024)
	for i := 0; i < n; i++ {
		buf.Write(servertest.Command("SET", "key:__rand_int__", val))
	}
	benchmarkRequestPath(b, buf.Bytes(), n, n*len("+OK\r\n"))
}
