// Command 12-rdb prints the records of an RDB file, one a line, the way
// the chapter's README reads them: go run ./chapters/12-rdb dump.rdb
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: 12-rdb FILE.rdb")
		os.Exit(2)
	}
	if err := dump(os.Stdout, os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func dump(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d := rdb.NewDecoder(f, path)
	for {
		e, err := d.Next()
		if err == io.EOF {
			fmt.Fprintf(w, "EOF, version %d, checksum OK\n", d.Version())
			return nil
		}
		if err != nil {
			return err
		}
		switch e.Kind {
		case rdb.KindAux:
			fmt.Fprintf(w, "aux %s = %s\n", e.AuxKey, e.AuxValue)
		case rdb.KindSelectDB:
			fmt.Fprintf(w, "select db %d\n", e.DB)
		case rdb.KindResizeDB:
			fmt.Fprintf(w, "resize db: %d keys, %d with expiry\n", e.DBSize, e.ExpiresSize)
		case rdb.KindFunction:
			fmt.Fprintf(w, "function library, %d bytes\n", len(e.Function))
		case rdb.KindKey:
			line := fmt.Sprintf("key %q %s", e.Key, describe(e.Value))
			if e.ExpireMs != 0 {
				line += " expires " + time.UnixMilli(e.ExpireMs).UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintln(w, line)
		}
	}
}

// describe renders a value briefly: its type and up to a few elements.
func describe(v rdb.Value) string {
	const show = 4
	var parts []string
	n := 0
	switch v := v.(type) {
	case rdb.String:
		return "string " + strconv.Quote(string(v))
	case rdb.List:
		for _, e := range v[:min(len(v), show)] {
			parts = append(parts, strconv.Quote(string(e)))
		}
		n = len(v)
		return more("list", n, parts)
	case rdb.Set:
		for _, e := range v[:min(len(v), show)] {
			parts = append(parts, strconv.Quote(string(e)))
		}
		return more("set", len(v), parts)
	case rdb.Hash:
		for _, p := range v[:min(len(v), show)] {
			parts = append(parts, strconv.Quote(string(p[0]))+"="+strconv.Quote(string(p[1])))
		}
		return more("hash", len(v), parts)
	case rdb.ZSet:
		for _, m := range v[:min(len(v), show)] {
			parts = append(parts, strconv.Quote(string(m.Member))+"="+strconv.FormatFloat(m.Score, 'g', -1, 64))
		}
		return more("zset", len(v), parts)
	}
	return fmt.Sprintf("%T", v)
}

func more(kind string, n int, parts []string) string {
	s := fmt.Sprintf("%s(%d) [%s", kind, n, strings.Join(parts, " "))
	if n > len(parts) {
		s += " ..."
	}
	return s + "]"
}
