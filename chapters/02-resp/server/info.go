package server

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// infoSection is one "# Title" block of INFO. Layers add their own
// (persistence, keyspace, ...) with AddInfo.
type infoSection struct {
	title     string // "Server"
	inDefault bool   // part of a bare INFO
	write     func(b *bytes.Buffer)
}

// AddInfo registers an INFO section; write appends "key:value\r\n" lines.
// A section registered again under the same title replaces the old one.
func (s *Server) AddInfo(title string, inDefault bool, write func(b *bytes.Buffer)) {
	for i := range s.info {
		if strings.EqualFold(s.info[i].title, title) {
			s.info[i] = infoSection{title, inDefault, write}
			return
		}
	}
	// Keep Redis's section order whatever order the layers register in,
	// so that INFO reads like Redis's; sections Redis does not have go last.
	sec := infoSection{title, inDefault, write}
	at := len(s.info)
	if r := infoRank(title); r < len(infoOrder) {
		for i := range s.info {
			if infoRank(s.info[i].title) > r {
				at = i
				break
			}
		}
	}
	s.info = append(s.info, infoSection{})
	copy(s.info[at+1:], s.info[at:])
	s.info[at] = sec
}

// infoOrder is the order of Redis 7.0's INFO sections.
var infoOrder = []string{"server", "clients", "memory", "persistence", "stats", "replication",
	"cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"}

// infoRank is a section's place in infoOrder, len(infoOrder) if absent.
func infoRank(title string) int {
	for i, t := range infoOrder {
		if strings.EqualFold(t, title) {
			return i
		}
	}
	return len(infoOrder)
}

// Info renders the sections a client asked for, in registration order, in
// Redis's layout: "# Title\r\n" and lines, sections separated by "\r\n".
func (s *Server) Info(names ...string) []byte {
	want := map[string]bool{}
	all, everything := len(names) == 0, false
	deflt := len(names) == 0
	for _, n := range names {
		n = strings.ToLower(n)
		switch n {
		case "all":
			all = true
		case "everything":
			everything = true
		case "default":
			deflt = true
		default:
			want[n] = true
		}
	}
	var b bytes.Buffer
	for _, sec := range s.info {
		lower := strings.ToLower(sec.title)
		// "all" is every section but the long per-command ones.
		pick := everything || want[lower] || (deflt && sec.inDefault) ||
			(all && lower != "commandstats" && lower != "errorstats" && lower != "latencystats")
		if !pick {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + sec.title + "\r\n")
		sec.write(&b)
	}
	return b.Bytes()
}

func (s *Server) infoCommand(c *Client) {
	names := make([]string, 0, len(c.Args)-1)
	for _, a := range c.Args[1:] {
		names = append(names, string(a))
	}
	c.W.Verbatim("txt", string(s.Info(names...)))
}

// addServerInfo registers the sections this package can answer: Server,
// Clients, Stats and Commandstats.
func (s *Server) addServerInfo() {
	s.AddInfo("Server", true, func(b *bytes.Buffer) {
		now := s.Now()
		uptime := int64(now.Sub(s.Started).Seconds())
		port := "0"
		if addrs := s.Addrs(); len(addrs) > 0 {
			if i := strings.LastIndexByte(addrs[0], ':'); i >= 0 {
				port = addrs[0][i+1:]
			}
		}
		fmt.Fprintf(b, "redis_version:%s\r\nredis_mode:standalone\r\nos:%s %s\r\narch_bits:64\r\n", Version, runtime.GOOS, runtime.GOARCH)
		fmt.Fprintf(b, "multiplexing_api:epoll\r\ngo_version:%s\r\nprocess_id:%d\r\ntcp_port:%s\r\n", runtime.Version(), os.Getpid(), port)
		fmt.Fprintf(b, "server_time_usec:%d\r\nuptime_in_seconds:%d\r\nuptime_in_days:%d\r\n", now.UnixMicro(), uptime, uptime/86400)
	})
	s.AddInfo("Clients", true, func(b *bytes.Buffer) {
		blocked := 0
		for _, c := range s.clients {
			if c.blocked {
				blocked++
			}
		}
		fmt.Fprintf(b, "connected_clients:%d\r\nblocked_clients:%d\r\n", len(s.clients), blocked)
	})
	s.AddInfo("Stats", true, func(b *bytes.Buffer) {
		st := &s.Stats
		fmt.Fprintf(b, "total_connections_received:%d\r\ntotal_commands_processed:%d\r\n", st.Connections, st.Commands)
		fmt.Fprintf(b, "total_net_input_bytes:%d\r\ntotal_net_output_bytes:%d\r\n", st.NetInputBytes, st.NetOutputBytes)
		fmt.Fprintf(b, "rejected_connections:%d\r\nexpired_keys:%d\r\nevicted_keys:%d\r\n", st.RejectedConns, st.ExpiredKeys, st.EvictedKeys)
		fmt.Fprintf(b, "keyspace_hits:%d\r\nkeyspace_misses:%d\r\ntotal_error_replies:%d\r\n", st.KeyspaceHits, st.KeyspaceMisses, st.ErrorReplies)
	})
	s.AddInfo("Commandstats", false, func(b *bytes.Buffer) {
		for _, cmd := range s.allCommands() {
			if cmd.Calls == 0 && cmd.RejectedCalls == 0 && cmd.FailedCalls == 0 {
				continue
			}
			per := 0.0
			if cmd.Calls > 0 {
				per = float64(cmd.Usec) / float64(cmd.Calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				cmd.FullName(), cmd.Calls, cmd.Usec, per, cmd.RejectedCalls, cmd.FailedCalls)
		}
	})
}

// allCommands lists commands and subcommands, sorted by full name.
func (s *Server) allCommands() []*Command {
	var out []*Command
	for _, name := range s.sortedNames() {
		cmd := s.Commands[name]
		out = append(out, cmd)
		for _, sub := range cmd.Subcommands {
			out = append(out, sub)
		}
	}
	return out
}
