package typecmd

import (
	"fmt"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// RewriteItems is AOF_REWRITE_ITEMS_PER_CMD: the AOF rewrite splits a big
// list, hash, set or sorted set into commands of at most this many
// elements each, so that loading never parses one enormous command.
const RewriteItems = 64

// Rewritable is a value that knows the commands that recreate it: RPUSH,
// HSET, SADD or ZADD, RewriteItems elements at a time.
type Rewritable interface {
	AppendRewrite(dst []byte, key string) []byte
}

// AppendRewrite is the AOF rewrite's encoder for the values that are not
// strings (rewrite.Encoder, Redis's rewriteAppendOnlyFileRio switch on the
// object type). The rewrite writes strings and PEXPIREAT itself.
func AppendRewrite(dst []byte, key string, v any) ([]byte, error) {
	r, ok := v.(Rewritable)
	if !ok {
		return dst, fmt.Errorf("key %q: no AOF rewrite form for a value of type %T", key, v)
	}
	return r.AppendRewrite(dst, key), nil
}

// AppendRewriteCommand starts one command of a rewrite: its array header,
// for items elements of width words each (2 for HSET's field and value),
// the command's name and the key. The caller appends the elements.
func AppendRewriteCommand(dst []byte, name, key string, items, width int) []byte {
	dst = resp.AppendArrayHeader(dst, 2+items*width)
	dst = resp.AppendBulk(dst, name)
	return resp.AppendBulk(dst, key)
}
