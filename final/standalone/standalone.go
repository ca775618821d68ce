// Package standalone answers the commands of the parts of Redis that a
// standalone gocache does not have, as a standalone Redis 7.0 does:
// Redis Cluster (CLUSTER, READONLY, READWRITE, ASKING answer that
// cluster support is disabled) and modules (MODULE LIST is empty, and
// loading one is not allowed, as with Redis's default
// enable-module-command no). Cluster-aware clients learn from these
// replies that the server is not a cluster node and fall back to talking
// to it directly.
package standalone

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// ErrClusterDisabled is every cluster command's reply.
const ErrClusterDisabled = "ERR This instance has cluster support disabled"

// errModuleNotAllowed is Redis's refusal of MODULE LOAD, LOADEX and
// UNLOAD under enable-module-command no.
const errModuleNotAllowed = "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", " +
	"you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."

// clusterSubcommands are CLUSTER's subcommands in Redis 7.0, with their
// arities and flags.
var clusterSubcommands = []struct {
	name  string
	arity int
	flags server.Flags
}{
	{"addslots", -3, admin}, {"addslotsrange", -4, admin}, {"bumpepoch", 2, admin},
	{"count-failure-reports", 3, server.Admin | server.Stale}, {"countkeysinslot", 3, server.Stale},
	{"delslots", -3, admin}, {"delslotsrange", -4, admin}, {"failover", -2, admin},
	{"flushslots", 2, admin}, {"forget", 3, admin}, {"getkeysinslot", 4, server.Stale},
	{"help", 2, server.Loading | server.Stale}, {"info", 2, server.Stale}, {"keyslot", 3, server.Stale},
	{"links", 2, server.Stale}, {"meet", -4, admin}, {"myid", 2, server.Stale},
	{"nodes", 2, server.Stale}, {"replicas", 3, server.Admin | server.Stale}, {"replicate", 3, admin},
	{"reset", -2, server.Admin | server.NoScript | server.Stale}, {"saveconfig", 2, admin},
	{"set-config-epoch", 3, admin}, {"setslot", -4, admin}, {"shards", 2, server.Stale},
	{"slaves", 3, server.Admin | server.Stale}, {"slots", 2, server.Stale},
}

// admin are the flags of CLUSTER's subcommands that change the cluster.
const admin = server.Admin | server.Stale | server.NoAsyncLoading

// Register adds CLUSTER, READONLY, READWRITE, ASKING and MODULE to s.
func Register(s *server.Server) {
	disabled := func(c *server.Client) { c.Error(ErrClusterDisabled) }
	cluster := server.Table{}
	for _, sc := range clusterSubcommands {
		cluster.Add(&server.Command{Name: sc.name, Arity: sc.arity, Flags: sc.flags, Run: disabled})
	}
	connection := server.Loading | server.Stale | server.Fast
	module := server.Table{}
	refuse := func(c *server.Client) { c.Error(errModuleNotAllowed) }
	module.Add(
		&server.Command{Name: "list", Arity: 2, Flags: server.Admin | server.NoScript, Run: func(c *server.Client) { c.W.Array(0) }},
		&server.Command{Name: "load", Arity: -3, Flags: server.Admin | server.NoScript | server.NoAsyncLoading, Run: refuse},
		&server.Command{Name: "loadex", Arity: -3, Flags: server.Admin | server.NoScript | server.NoAsyncLoading, Run: refuse},
		&server.Command{Name: "unload", Arity: 3, Flags: server.Admin | server.NoScript | server.NoAsyncLoading, Run: refuse},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: moduleHelp},
	)
	s.Commands.Add(
		&server.Command{Name: "cluster", Arity: -2, Group: "cluster", Subcommands: cluster},
		&server.Command{Name: "readonly", Arity: 1, Flags: connection, Group: "cluster", Run: disabled},
		&server.Command{Name: "readwrite", Arity: 1, Flags: connection, Group: "cluster", Run: disabled},
		&server.Command{Name: "asking", Arity: 1, Flags: server.Fast, Group: "cluster", Run: disabled},
		&server.Command{Name: "module", Arity: -2, Group: "server", Subcommands: module},
	)
}

func moduleHelp(c *server.Client) {
	server.ReplyHelp(c,
		"LIST",
		"    Return a list of loaded modules.",
		"LOAD <path> [<arg> ...]",
		"    Load a module library from <path>, passing to it any optional arguments.",
		"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
		"    Load a module library from <path>, while passing it module configurations and optional arguments.",
		"UNLOAD <name>",
		"    Unload a module.",
	)
}
