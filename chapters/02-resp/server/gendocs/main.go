// Command gendocs writes commanddocs.resp and commandinfo.resp, what
// package server serves of Redis 7.0's own description of its commands.
// It reads COMMAND DOCS and COMMAND INFO from a real redis-server 7.0 in
// RESP3. The docs are written back as one RESP3 map; of COMMAND INFO it
// keeps, per command and subcommand by full name, the parts that describe
// the command rather than gocache's implementation of it: ACL categories,
// tips and key specs. Commands and subcommands are sorted by name (Redis
// lists them in the order of its hash tables, which changes from one
// start to the next), so that regenerating from the same Redis gives the
// same files.
//
//	go generate ./chapters/02-resp/server              # starts redis-server on a free port
//	go run ./chapters/02-resp/server/gendocs -addr 127.0.0.1:6379 -o commanddocs.resp -info commandinfo.resp
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// wantVersion is the Redis whose command docs gocache serves.
const wantVersion = "7.0."

func main() {
	addr := flag.String("addr", "", "a running redis-server 7.0 (empty: start redis-server on a free port)")
	out := flag.String("o", "commanddocs.resp", "file to write the docs to")
	info := flag.String("info", "commandinfo.resp", "file to write the categories, tips and key specs to")
	flag.Parse()
	if err := run(*addr, *out, *info); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(addr, out, infoOut string) error {
	if addr == "" {
		a, stop, err := startRedis()
		if err != nil {
			return err
		}
		defer stop()
		addr = a
	}
	docs, info, err := fetch(addr)
	if err != nil {
		return err
	}
	sortDocs(&docs)
	w := resp.Writer{Proto: 3}
	w.Value(docs)
	if err := os.WriteFile(out, w.B, 0o644); err != nil {
		return err
	}
	w.B = w.B[:0]
	w.Value(described(info))
	return os.WriteFile(infoOut, w.B, 0o644)
}

// described turns COMMAND INFO's reply into a map, sorted by full name,
// from each command and subcommand to a map of its acl_categories, tips
// and key_specs (elements 7 to 9 of its entry).
func described(info resp.Value) resp.Value {
	type pair struct{ k, v resp.Value }
	var pairs []pair
	var add func(entries []resp.Value)
	add = func(entries []resp.Value) {
		for _, e := range entries {
			if len(e.Elems) < 10 {
				continue
			}
			m := resp.Value{Kind: resp.KindMap}
			for i, name := range []string{"acl_categories", "tips", "key_specs"} {
				m.Elems = append(m.Elems, resp.Value{Kind: resp.KindBulk, Str: []byte(name)}, e.Elems[6+i])
			}
			pairs = append(pairs, pair{e.Elems[0], m})
			add(e.Elems[9].Elems)
		}
	}
	add(info.Elems)
	sort.Slice(pairs, func(i, j int) bool { return bytes.Compare(pairs[i].k.Str, pairs[j].k.Str) < 0 })
	out := resp.Value{Kind: resp.KindMap}
	for _, p := range pairs {
		out.Elems = append(out.Elems, p.k, p.v)
	}
	return out
}

// fetch asks addr for HELLO 3, checks that it is Redis 7.0 and returns
// its COMMAND DOCS and COMMAND INFO.
func fetch(addr string) (docs, info resp.Value, err error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return docs, info, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	conn.Write([]byte("HELLO 3\r\nCOMMAND DOCS\r\nCOMMAND INFO\r\n"))
	r := resp.NewReplyReader(conn)
	hello, err := r.Read()
	if err != nil {
		return docs, info, err
	}
	if v := field(hello, "version"); !strings.HasPrefix(v, wantVersion) {
		return docs, info, fmt.Errorf("%s is Redis %q; the docs must come from Redis %sx", addr, v, wantVersion)
	}
	if docs, err = r.Read(); err != nil {
		return docs, info, err
	}
	if docs.Kind != resp.KindMap || len(docs.Elems) == 0 {
		return docs, info, fmt.Errorf("COMMAND DOCS: unexpected reply %q", docs.Kind)
	}
	if info, err = r.Read(); err != nil {
		return docs, info, err
	}
	if info.Kind != resp.KindArray || len(info.Elems) == 0 {
		return docs, info, fmt.Errorf("COMMAND INFO: unexpected reply %q", info.Kind)
	}
	return docs, info, nil
}

func field(m resp.Value, name string) string {
	for i := 0; i+1 < len(m.Elems); i += 2 {
		if string(m.Elems[i].Str) == name {
			return string(m.Elems[i+1].Str)
		}
	}
	return ""
}

// sortDocs sorts a map of command name to doc by name, and the
// subcommands map inside each doc, recursively.
func sortDocs(m *resp.Value) {
	type pair struct{ k, v resp.Value }
	pairs := make([]pair, 0, len(m.Elems)/2)
	for i := 0; i+1 < len(m.Elems); i += 2 {
		pairs = append(pairs, pair{m.Elems[i], m.Elems[i+1]})
	}
	sort.Slice(pairs, func(i, j int) bool { return bytes.Compare(pairs[i].k.Str, pairs[j].k.Str) < 0 })
	m.Elems = m.Elems[:0]
	for _, p := range pairs {
		doc := p.v
		for i := 0; i+1 < len(doc.Elems); i += 2 {
			if string(doc.Elems[i].Str) == "subcommands" {
				sortDocs(&doc.Elems[i+1])
			}
		}
		m.Elems = append(m.Elems, p.k, doc)
	}
}

// startRedis runs redis-server on a free 127.0.0.1 port without
// persistence and returns its address and a function that stops it.
func startRedis() (string, func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errors.New("redis-server is not installed; give -addr of a running Redis 7.0")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "gendocs-")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--logfile", "")
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("redis-server did not listen on %s within 10s", addr)
		}
		time.Sleep(20 * time.Millisecond) // polling interval
	}
}
