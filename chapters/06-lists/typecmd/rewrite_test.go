package typecmd_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// readCommands parses b as RESP arrays of bulk strings, the AOF's form.
func readCommands(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(b))
	var cmds [][]string
	for {
		n, err := header(r, '*')
		if err == io.EOF {
			return cmds
		}
		if err != nil {
			t.Fatalf("command %d: %v", len(cmds), err)
		}
		cmd := make([]string, n)
		for i := range cmd {
			size, err := header(r, '$')
			if err != nil {
				t.Fatalf("command %d word %d: %v", len(cmds), i, err)
			}
			word := make([]byte, size+2)
			if _, err := io.ReadFull(r, word); err != nil || !bytes.HasSuffix(word, []byte("\r\n")) {
				t.Fatalf("command %d word %d: bad bulk %q %v", len(cmds), i, word, err)
			}
			cmd[i] = string(word[:size])
		}
		cmds = append(cmds, cmd)
	}
}

func header(r *bufio.Reader, kind byte) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 4 || line[0] != kind || line[len(line)-2] != '\r' {
		return 0, fmt.Errorf("bad header %q", line)
	}
	return strconv.Atoi(line[1 : len(line)-2])
}

// splitCheck asserts the shape of a rewrite: every command is name key
// followed by RewriteItems elements of width words, the last one the
// rest; it returns the elements' words in order.
func splitCheck(t *testing.T, cmds [][]string, name, key string, n, width int) []string {
	t.Helper()
	if want := (n + typecmd.RewriteItems - 1) / typecmd.RewriteItems; len(cmds) != want {
		t.Fatalf("%s of %d elements: %d commands, want %d", name, n, len(cmds), want)
	}
	var words []string
	for i, c := range cmds {
		items := min(typecmd.RewriteItems, n-i*typecmd.RewriteItems)
		if len(c) != 2+items*width || c[0] != name || c[1] != key {
			t.Fatalf("command %d: %s %q with %d words, want %s %q with %d", i, c[0], c[1], len(c), name, key, 2+items*width)
		}
		words = append(words, c[2:]...)
	}
	return words
}

// sizes cover one command, an exact multiple of 64, and both encodings.
var sizes = []int{1, 3, 64, 130, 1000}

func TestListRewriteIsRPushInOrder(t *testing.T) {
	for _, n := range sizes {
		var l list.List
		var want []string
		for i := range n {
			v := fmt.Sprintf("element %d\r\n", i)
			l.PushRight([]byte(v))
			want = append(want, v)
		}
		b, err := typecmd.AppendRewrite([]byte("prefix"), "k", &l)
		if err != nil || !bytes.HasPrefix(b, []byte("prefix")) {
			t.Fatalf("AppendRewrite: %v, %.20q", err, b)
		}
		got := splitCheck(t, readCommands(t, b[len("prefix"):]), "RPUSH", "k", n, 1)
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: list elements differ", n)
		}
	}
}

func TestHashRewriteIsHSetOfEveryPair(t *testing.T) {
	for _, n := range sizes {
		var h hash.Hash
		want := map[string]string{}
		for i := range n {
			f, v := fmt.Sprintf("field %d", i), strconv.Itoa(i*i)
			h.Set([]byte(f), []byte(v), hash.DefaultLimits)
			want[f] = v
		}
		b, _ := typecmd.AppendRewrite(nil, "h", &h)
		words := splitCheck(t, readCommands(t, b), "HSET", "h", n, 2)
		got := map[string]string{}
		for i := 0; i < len(words); i += 2 {
			got[words[i]] = words[i+1]
		}
		if len(got) != n || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("n=%d (%s): hash pairs differ", n, h.Encoding())
		}
	}
}

func TestSetRewriteIsSAddOfEveryMember(t *testing.T) {
	for _, ints := range []bool{true, false} {
		for _, n := range sizes {
			member := func(i int) string {
				if ints {
					return strconv.Itoa(i*7 - 300)
				}
				return fmt.Sprintf("member %d", i)
			}
			s := set.New([]byte(member(0)))
			var want []string
			for i := range n {
				s.Add([]byte(member(i)), set.DefaultMaxIntset)
				want = append(want, member(i))
			}
			b, _ := typecmd.AppendRewrite(nil, "s", s)
			got := splitCheck(t, readCommands(t, b), "SADD", "s", n, 1)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("n=%d (%s): set members differ", n, s.Encoding())
			}
		}
	}
}

func TestZSetRewriteScoresReadBackExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{math.Inf(1), math.Inf(-1), 0.1, 1e-300, 5e-324, math.MaxFloat64, 1.0 / 3, -2.5, 0}
	for _, n := range sizes {
		z := zset.New(10, zset.DefaultLimits)
		want := map[string]float64{}
		for i := range n {
			score := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
			if i < len(special) {
				score = special[i]
			}
			m := fmt.Sprintf("member %d", i)
			z.Add([]byte(m), score, zset.AddFlags{}, zset.DefaultLimits)
			want[m] = score
		}
		b, _ := typecmd.AppendRewrite(nil, "z", z)
		words := splitCheck(t, readCommands(t, b), "ZADD", "z", n, 2)
		last := math.Inf(-1)
		for i := 0; i < len(words); i += 2 {
			score, err := strconv.ParseFloat(words[i], 64)
			if err != nil || score != want[words[i+1]] {
				t.Fatalf("n=%d: %s written as %q, is %v (%v)", n, words[i+1], words[i], want[words[i+1]], err)
			}
			if score < last {
				t.Fatalf("n=%d: scores out of order at %q", n, words[i])
			}
			last = score
		}
		if z.Len() != n {
			t.Fatalf("n=%d: %d members", n, z.Len())
		}
	}
}

func TestAppendRewriteRefusesAnUnknownValue(t *testing.T) {
	b, err := typecmd.AppendRewrite([]byte("x"), "k", 42)
	if err == nil || string(b) != "x" {
		t.Errorf("AppendRewrite(int) = %q, %v; want x and an error", b, err)
	}
}
