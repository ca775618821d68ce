package rewrite

import (
	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
)

// Persist is chapters 04 and 05 as one layer, the way the programs from
// chapter 05 on compose them: read the options of persistence.Flags and
// Flags, load the AOF into ca's databases, append every change, and
// rewrite the log when it grows, with enc for the values that are not
// strings (nil: strings only). Call it last: loading replays commands,
// so every command must be registered first.
func Persist(s *server.Server, ctx *cli.Context, ca *cache.Cache, enc Encoder) error {
	cfg, err := persistence.FromFlags(ctx)
	if err != nil {
		return err
	}
	rcfg, err := FromFlags(ctx)
	if err != nil {
		return err
	}
	p, err := persistence.Setup(s, cfg)
	if err != nil {
		return err
	}
	Setup(s, p, ca, rcfg).Encode = enc
	return nil
}
