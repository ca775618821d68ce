package script

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestKillStopsALoopingScript(t *testing.T) {
	e := New(Options{})
	defer e.Close()
	body := "local i = 0\nwhile true do i = i + 1 end"
	var calls, after atomic.Int32
	r := &Run{Caller: newFakeDB(), Proto: 2}
	r.Interrupt = func() {
		if calls.Add(1) == 3 {
			if err := r.Kill(); err != nil {
				t.Errorf("Kill: %v", err)
			}
		} else if calls.Load() > 3 {
			after.Add(1)
		}
	}
	done := make(chan []byte, 1)
	go func() { done <- e.Eval(r, body) }()
	select {
	case got := <-done:
		want := "-ERR Script killed by user with SCRIPT KILL... script: " + SHA1Hex(body) + ", on @user_script:2.\r\n"
		if string(got) != want {
			t.Errorf("got %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the killed script did not stop within 10s")
	}
	if n := after.Load(); n != 0 {
		t.Errorf("the script ran on for %d interrupts after it was killed", n)
	}
	// The engine is usable afterwards.
	if got := string(e.Eval(&Run{Caller: newFakeDB(), Proto: 2}, "return 7")); got != ":7\r\n" {
		t.Errorf("next script: %q", got)
	}
}

// stopCaller serves one fakeDB write and then "get stop", which returns
// 1 once stop is set (from another goroutine).
type stopCaller struct {
	db   *fakeDB
	stop atomic.Bool
}

func (c *stopCaller) Call(args [][]byte, proto int, repl Repl) ([]byte, bool) {
	if string(args[0]) == "get" && string(args[1]) == "stop" {
		if c.stop.Load() {
			return []byte(":1\r\n"), false
		}
		return []byte("$-1\r\n"), false
	}
	return c.db.Call(args, proto, repl)
}

func TestScriptThatWroteIsUnkillable(t *testing.T) {
	e := New(Options{})
	defer e.Close()
	c := &stopCaller{db: newFakeDB()}
	r := &Run{Caller: c, Proto: 2}
	killErr := make(chan error, 1)
	r.Interrupt = func() {
		if !c.stop.Load() {
			killErr <- r.Kill()
			c.stop.Store(true)
		}
	}
	body := "redis.call('set', 'k', 'v')\nwhile not redis.call('get', 'stop') do end\nreturn 'done'"
	done := make(chan []byte, 1)
	go func() { done <- e.Eval(r, body) }()
	select {
	case got := <-done:
		if string(got) != "$4\r\ndone\r\n" {
			t.Errorf("got %q, want the script to run to its end", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("script did not finish within 10s")
	}
	if err := <-killErr; !errors.Is(err, ErrUnkillable) {
		t.Errorf("Kill after a write: %v, want ErrUnkillable", err)
	}
	if !r.Wrote() {
		t.Error("Wrote() is false after SET")
	}
}

func TestInterruptComesEveryThousandInstructions(t *testing.T) {
	e := New(Options{})
	defer e.Close()
	var calls atomic.Int32
	r := &Run{Caller: newFakeDB(), Proto: 2, Interrupt: func() { calls.Add(1) }}
	if got := string(e.Eval(r, "return 1")); got != ":1\r\n" {
		t.Fatalf("got %q", got)
	}
	if calls.Load() != 0 {
		t.Error("Interrupt called for a script of two instructions")
	}
	calls.Store(0)
	// A numeric for loop of n rounds executes one FORLOOP and one ADD
	// per round: about 2n instructions.
	if got := string(e.Eval(r, "local x = 0 for i = 1, 50000 do x = x + i end return x")); got != ":1250025000\r\n" {
		t.Fatalf("got %q", got)
	}
	if n := calls.Load(); n < 90 || n > 110 {
		t.Errorf("Interrupt called %d times in about 100000 instructions, want about 100", n)
	}
}

func TestLibraryLoadIsBoundedInTime(t *testing.T) {
	e := New(Options{})
	defer e.Close()
	_, err := e.FunctionLoad("#!lua name=spin\nwhile true do end", false)
	if err == nil || err.Error() != "ERR Error registering functions: FUNCTION LOAD timeout" {
		t.Fatalf("got %v", err)
	}
}

// Redis refuses to let a script change what later scripts see; where
// gopher-lua cannot refuse (overwriting an existing library field), the
// engine puts the original back after the run.
func TestScriptsCannotLeaveChangesForTheNext(t *testing.T) {
	e := New(Options{})
	defer e.Close()
	run := func(body string) string {
		return string(e.Eval(&Run{Caller: newFakeDB(), Proto: 2}, body))
	}
	run(`string.upper = function() return "hijacked" end redis.call = nil`)
	if got := run(`return string.upper("a")`); got != "$1\r\nA\r\n" {
		t.Errorf("string.upper after a script replaced it: %q", got)
	}
	if got := run(`return redis.call("set", "k", "v")`); got != "+OK\r\n" {
		t.Errorf("redis.call after a script removed it: %q", got)
	}
	if got := run(`return {#KEYS, #ARGV}`); got != "*2\r\n:0\r\n:0\r\n" {
		t.Errorf("KEYS and ARGV: %q", got)
	}
}
