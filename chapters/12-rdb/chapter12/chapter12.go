// Package chapter12 is this chapter's server as layers the next chapters
// stack on: the data types of chapters 06 to 08 (Register), and
// persistence with RDB snapshots beside the AOF (Persist), which comes
// last. A chapter with a new kind of value registers its commands in
// between and adds the value's RDB form to Layers.Types.
package chapter12

import (
	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/08-sorted-sets/chapter08"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/12-rdb/rdbvalue"
	"github.com/gocache/gocache/chapters/12-rdb/save"
)

// Layers are chapter 08's layers, the commands on keys of any type and
// the RDB form of the values.
type Layers struct {
	chapter08.Layers
	// Keys are RENAME, COPY, MOVE, OBJECT and the other commands on a
	// key whatever its type, which DUMP and RESTORE join.
	Keys *db.Keys
	// Types convert the values to the codec's and back; a later
	// chapter's kind of value joins them in Types.More before Persist.
	Types rdbvalue.Types
	// Libraries are the function libraries of chapter 15's scripting
	// layer, which persistence keeps too; nil without scripting.
	Libraries Libraries
}

// Libraries are function libraries as persistence keeps them: in
// dump.rdb and an RDB base (save.Functions), and first in an AOF base of
// commands (AppendFunctions), so that replaying it loads them before the
// FCALLs that need them.
type Libraries interface {
	save.Functions
	AppendFunctions(dst []byte) []byte
}

// Register adds chapter 08's layers (lists, blocking pops, hashes, sets,
// sorted sets, GEO, SORT) and the commands on keys of any type to s.
func Register(s *server.Server, ca *cache.Cache) *Layers {
	l := &Layers{Layers: chapter08.Register(s, ca)}
	l.Keys = db.Register(s, ca)
	l.Types = rdbvalue.Types{Lists: l.Lists, Hashes: l.Hashes, Sets: l.Sets, ZSets: l.ZSets}
	return l
}

// Flags are the options of Persist: chapter 04's, chapter 05's and the
// save points, dbfilename and the rest of this chapter's.
func Flags() []cli.Flag {
	return append(append(persistence.Flags(), rewrite.Flags()...), save.Flags()...)
}

// Persist is chapters 04, 05 and 12 as one layer: load the AOF (with
// appendonly yes) or dump.rdb, append every change, rewrite the log
// (its base in RDB unless aof-use-rdb-preamble is no) and save
// snapshots at the save points. The AOF loader is given the RDB loader,
// since its base may be an RDB file. DUMP and RESTORE, one value in the
// RDB format, are registered here too, when l.Types knows every kind of
// value. Call it last: loading replays commands, so every command must
// be registered first.
func Persist(s *server.Server, ctx *cli.Context, ca *cache.Cache, l *Layers) (*save.Saver, error) {
	rdbvalue.Register(s, l.Keys, l.Types)
	pcfg, err := persistence.FromFlags(ctx)
	if err != nil {
		return nil, err
	}
	rcfg, err := rewrite.FromFlags(ctx)
	if err != nil {
		return nil, err
	}
	scfg, err := save.FromFlags(ctx)
	if err != nil {
		return nil, err
	}
	loader := save.NewLoader(s, ca.DBs, l.Types)
	if l.Libraries != nil {
		loader.UseFunctions(l.Libraries)
	}
	pcfg.LoadRDB = loader.AOFBase
	p, err := persistence.Setup(s, pcfg)
	if err != nil {
		return nil, err
	}
	rw := rewrite.Setup(s, p, ca, rcfg)
	rw.Encode = typecmd.AppendRewrite
	if l.Libraries != nil {
		rw.AddPrelude(l.Libraries.AppendFunctions)
	}
	return save.Setup(s, p, rw, loader, scfg)
}
