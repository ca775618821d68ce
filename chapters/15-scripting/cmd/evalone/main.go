// Command evalone runs one Lua script the way EVAL does, against a
// small in-memory keyspace (GET, SET, INCR, DEL), and prints the reply
// exactly as a client would receive it:
//
//	go run ./chapters/15-scripting/cmd/evalone 'return redis.call("incr", KEYS[1])' 1 counter
//
// -3 answers as to a client that said HELLO 3; -set k=v seeds a key.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/15-scripting/script"
)

func main() {
	proto3 := flag.Bool("3", false, "reply in RESP3")
	var seeds seedFlag
	flag.Var(&seeds, "set", "key=value to store before the script runs (repeatable)")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: evalone [-3] [-set k=v]... SCRIPT NUMKEYS [KEY...] [ARG...]")
		os.Exit(2)
	}
	proto := 2
	if *proto3 {
		proto = 3
	}
	if err := run(os.Stdout, os.Stderr, proto, seeds, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type seedFlag []string

func (s *seedFlag) String() string     { return strings.Join(*s, ",") }
func (s *seedFlag) Set(v string) error { *s = append(*s, v); return nil }

// run evaluates args[0] with args[1] keys and prints the reply quoted.
func run(out, logw io.Writer, proto int, seeds []string, args []string) error {
	numkeys, err := strconv.Atoi(args[1])
	if err != nil || numkeys < 0 || numkeys > len(args)-2 {
		return fmt.Errorf("bad NUMKEYS %q", args[1])
	}
	db := memDB{}
	for _, s := range seeds {
		k, v, _ := strings.Cut(s, "=")
		db[k] = v
	}
	e := script.New(script.Options{})
	defer e.Close()
	r := &script.Run{
		Caller: db,
		Proto:  proto,
		Keys:   toBytes(args[2 : 2+numkeys]),
		Args:   toBytes(args[2+numkeys:]),
		Log:    func(level int, msg string) { fmt.Fprintf(logw, "log %d: %s\n", level, msg) },
	}
	reply := e.Eval(r, args[0])
	fmt.Fprintf(out, "%s\n", resp.AppendRepr(nil, reply))
	return nil
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// memDB is the keyspace of this demo: a map and four commands, with the
// errors Redis gives a script for anything else.
type memDB map[string]string

func (db memDB) Call(args [][]byte, proto int, _ script.Repl) ([]byte, bool) {
	w := resp.Writer{Proto: proto}
	name := strings.ToLower(string(args[0]))
	arity := map[string]int{"get": 2, "set": 3, "incr": 2, "del": -2}[name]
	switch {
	case arity == 0:
		w.Error("ERR Unknown Redis command called from script")
		return w.B, false
	case arity > 0 && len(args) != arity, arity < 0 && len(args) < -arity:
		w.Error("ERR Wrong number of args calling Redis command from script")
		return w.B, false
	}
	key := string(args[1])
	switch name {
	case "get":
		if v, ok := db[key]; ok {
			w.BulkString(v)
		} else {
			w.Null()
		}
		return w.B, false
	case "set":
		db[key] = string(args[2])
		w.SimpleString("OK")
	case "incr":
		n, err := strconv.ParseInt(db[key], 10, 64)
		if _, ok := db[key]; !ok {
			n, err = 0, nil
		}
		if err != nil {
			w.Error("ERR value is not an integer or out of range")
			return w.B, false
		}
		db[key] = strconv.FormatInt(n+1, 10)
		w.Int(n + 1)
	case "del":
		n := int64(0)
		for _, k := range args[1:] {
			if _, ok := db[string(k)]; ok {
				delete(db, string(k))
				n++
			}
		}
		w.Int(n)
	}
	return w.B, true
}
