// Command 12-rdb is chapter 12's server: chapter 05's persistent cache
// (AOF, rewrite) plus RDB snapshots. SAVE and BGSAVE write dump.rdb,
// the save points write it by themselves, it is loaded at start when
// appendonly is no, and the AOF rewrite writes its base in RDB
// (aof-use-rdb-preamble yes). The data types come from the chapters that
// teach them, DUMP and RESTORE from this one, over chapter 11's key
// commands.
//
//	go run ./chapters/12-rdb --port 6380
//
// It also reads a file the way the chapter's README does, one record a
// line:
//
//	go run ./chapters/12-rdb inspect dump.rdb
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
	"github.com/gocache/gocache/chapters/12-rdb/rdbvalue"
	"github.com/gocache/gocache/chapters/12-rdb/save"
	"github.com/gocache/gocache/final/stream"
)

// databases is Redis's default number of databases.
const databases = 16

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "inspect" {
		if len(os.Args) != 3 {
			fmt.Fprintln(os.Stderr, "usage: 12-rdb inspect FILE.rdb")
			os.Exit(2)
		}
		if err := dump(os.Stdout, os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	app := server.App{
		Name:  "12-rdb",
		Usage: "a Redis-compatible server with an append-only file and RDB snapshots",
		Flags: append(append(persistence.Flags(), rewrite.Flags()...), save.Flags()...),
		Setup: setup,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setup is chapter 05's server (the cache, the AOF, the rewrite) with the
// data types, then the RDB layer. The AOF loader is given the RDB
// loader, since its base may be an RDB file.
func setup(s *server.Server, ctx *cli.Context) error {
	dbs := keyspace.NewDatabases(databases)
	ca := cache.Register(s, dbs...)
	lists := list.Register(s, ca)
	types := rdbvalue.Types{Lists: lists, Hashes: hash.Register(s, ca), Sets: set.Register(s, ca), ZSets: zset.Register(s, ca)}
	stream.Register(s, ca)
	rdbvalue.Register(s, db.Register(s, ca), types) // DUMP and RESTORE: one value in the RDB format
	pcfg, err := persistence.FromFlags(ctx)
	if err != nil {
		return err
	}
	rcfg, err := rewrite.FromFlags(ctx)
	if err != nil {
		return err
	}
	scfg, err := save.FromFlags(ctx)
	if err != nil {
		return err
	}
	loader := save.NewLoader(s, dbs, types)
	pcfg.LoadRDB = loader.AOFBase
	p, err := persistence.Setup(s, pcfg)
	if err != nil {
		return err
	}
	rw := rewrite.Setup(s, p, ca, rcfg)
	rw.Encode = typecmd.AppendRewrite
	_, err = save.Setup(s, p, rw, loader, scfg)
	return err
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
