package browserusetest

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// setProcessGroup starts Chromium in a process group of its own, which its
// zygote, renderers and helpers join, so that one signal kills them all;
// and kills Chromium if the thread that started it exits (a crashed test
// binary), a best effort on top of Stop.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends SIGKILL to the process group pgid.
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }

// killStragglers kills, until there is none (for at most 5 s), every live
// process of the group pgid or whose command line names dir: Chromium's
// crashpad handler runs in a session of its own, so the group's signal
// misses it. Zombies, which a container's init may never reap, are dead.
func killStragglers(pgid int, dir string) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := liveProcesses(pgid, dir)
		if len(left) == 0 || time.Now().After(deadline) {
			return
		}
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveProcesses returns the pids of the live (not zombie) processes in the
// group pgid or whose command line names dir (see namesDir), from /proc.
func liveProcesses(pgid int, dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		state, group, ok := procStat(pid)
		if !ok || state == 'Z' || state == 'X' {
			continue
		}
		if group == pgid {
			pids = append(pids, pid)
			continue
		}
		if cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil && namesDir(cmdline, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// namesDir reports whether a NUL-separated command line names dir or a
// path under it: dir followed by '/', a NUL or the end, so that a
// browser's directory does not match another's that it is a prefix of
// (/tmp/bu-chromium-1 and /tmp/bu-chromium-12).
func namesDir(cmdline []byte, dir string) bool {
	dir = strings.TrimRight(dir, "/")
	if dir == "" {
		return false
	}
	for rest := cmdline; ; {
		i := bytes.Index(rest, []byte(dir))
		if i < 0 {
			return false
		}
		rest = rest[i+len(dir):]
		if len(rest) == 0 || rest[0] == '/' || rest[0] == 0 {
			return true
		}
	}
}

// procStat reads a process's state and process group from /proc/pid/stat:
// "pid (comm) state ppid pgrp ...", where comm may hold spaces and parens.
func procStat(pid int) (state byte, pgrp int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(b[i+1:])
	if len(fields) < 3 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	pgrp, err = strconv.Atoi(string(fields[2]))
	return fields[0][0], pgrp, err == nil
}
