package kernel

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// subreaper makes this process adopt the orphans of its descendants for the
// rest of the test, so that the test can wait for them and learn how they
// ended.
func subreaper(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) })
}

// endedBy stops pid, an adopted orphan, with SIGTERM unless something
// killed it already, and returns the signal that ended it.
func endedBy(t *testing.T, pid int) syscall.Signal {
	t.Helper()
	syscall.Kill(pid, syscall.SIGTERM)
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		t.Fatalf("waiting for %d: %v", pid, err)
	}
	return ws.Signal()
}

// orphanGroup starts a process group whose leader exits at once and whose
// one member, a sleep, stays: what a SIGKILLed runner's kernel leaves. env
// is the member's extra environment. It returns the leader's pid (the
// group's id) and the member's.
func orphanGroup(t *testing.T, env ...string) (leader, member int) {
	t.Helper()
	sh := exec.Command("/bin/sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!")
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sh.Env = append(os.Environ(), env...)
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	member, _ = strconv.Atoi(strings.TrimSpace(string(out)))
	t.Cleanup(func() {
		syscall.Kill(member, syscall.SIGKILL)
		var ws syscall.WaitStatus
		syscall.Wait4(member, &ws, 0, nil)
	})
	if syscall.Kill(member, 0) != nil {
		t.Fatal("the orphan is not running before the sweep: the test would prove nothing")
	}
	return sh.Process.Pid, member
}

// mkKernelDir makes a kernel directory as Start does, with pid in its pid
// file (none if "").
func mkKernelDir(t *testing.T, tmp, name, pid string) string {
	t.Helper()
	d := filepath.Join(tmp, kernelDirPrefix+name)
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if pid != "" {
		os.WriteFile(filepath.Join(d, pidFile), []byte(pid), 0o600)
	}
	return d
}

// What a killed runner left (its kernel's private directory and orphaned
// programs in the kernel's process group) is swept at the next start.
func TestSweepStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	subreaper(t)
	stale := filepath.Join(tmp, kernelDirPrefix+"stale")
	leader, orphan := orphanGroup(t, kernelDirEnv+"="+stale)
	mkKernelDir(t, tmp, "stale", strconv.Itoa(leader))
	live := filepath.Join(tmp, kernelDirPrefix+"live")
	kernel := exec.Command("sleep", "60") // plays a live kernel
	kernel.Env = append(os.Environ(), kernelDirEnv+"="+live)
	kernel.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := kernel.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kernel.Process.Kill(); kernel.Wait() })
	mkKernelDir(t, tmp, "live", strconv.Itoa(kernel.Process.Pid))
	young := mkKernelDir(t, tmp, "young", "")

	sweepStale()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a dead kernel's directory was not removed")
	}
	for _, d := range []string{live, young} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	if sig := endedBy(t, orphan); sig != syscall.SIGKILL {
		t.Errorf("the orphan in the dead kernel's group was still running (ended by %v, not the sweep's SIGKILL)", sig)
	}
	if syscall.Kill(kernel.Process.Pid, 0) != nil {
		t.Error("the live kernel was killed")
	}
}

// A pid file planted under the shared temporary directory kills nothing:
// not the group it names when that group's processes do not carry the
// directory in their environment, and nothing at all when the directory
// is not this user's (then it is not even removed).
func TestSweepLeavesOthersAlone(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	subreaper(t)
	leader, victim := orphanGroup(t) // an unrelated group whose leader exited
	planted := mkKernelDir(t, tmp, "planted", strconv.Itoa(leader))
	var foreign string
	if os.Getuid() == 0 {
		// Another user's directory, naming the same group.
		foreign = mkKernelDir(t, tmp, "foreign", strconv.Itoa(leader))
		for _, p := range []string{filepath.Join(foreign, pidFile), foreign} {
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweepStale()
	if sig := endedBy(t, victim); sig != syscall.SIGTERM {
		t.Errorf("the sweep killed a process group that a planted pid file named (ended by %v)", sig)
	}
	if _, err := os.Stat(planted); !os.IsNotExist(err) {
		t.Error("our own directory of a dead kernel was not removed")
	}
	if foreign != "" {
		if _, err := os.Stat(foreign); err != nil {
			t.Errorf("another user's directory was removed: %v", err)
		}
	}
}

// A live kernel that does not carry $NOETHER_KERNEL_DIR (started by an older
// noether, or by another checkout's) keeps its directory: the sweep used to
// take any live pid without the marker for a reused one and removed the
// directory under the running kernel, whose next cell then failed. Only a
// process started after the pid file was written can have taken the pid.
func TestSweepKeepsLiveKernelWithoutMarker(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })
	d := mkKernelDir(t, tmp, "older", strconv.Itoa(live.Process.Pid))
	sweepStale()
	if _, err := os.Stat(d); err != nil {
		t.Fatalf("the directory of a live kernel without the marker was removed: %v", err)
	}
	if syscall.Kill(live.Process.Pid, 0) != nil {
		t.Fatal("the live kernel was killed")
	}
	// A pid file older than the process naming it: the pid was reused, the
	// kernel is gone, and the directory goes (the process stays).
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(d, pidFile), old, old)
	sweepStale()
	if _, err := os.Stat(d); !os.IsNotExist(err) {
		t.Error("a directory whose pid was taken by a later process was kept")
	}
	if syscall.Kill(live.Process.Pid, 0) != nil {
		t.Error("the sweep killed the process that took the pid")
	}
}
