# SPDX-License-Identifier: GPL-3.0-or-later
# apt-lock.sh: sourced by install-deps.sh and guest-kit.sh (POSIX sh).
#
# apt_wait_lock WHO: wait while another apt or dpkg (unattended-upgrades on a
# fresh VM, most often) holds dpkg's or apt's locks, saying so once, instead
# of failing at once. dpkg and apt lock with fcntl(F_SETLK), so the holder
# shows in /proc/locks by the lock file's inode. Gives up after
# HVMON_APT_LOCK_WAIT seconds (default 900) with a line naming the holder.
# apt-get is also told to wait (APT_LOCK_OPTS) for the moment between our
# look and its own.

APT_LOCK_OPTS="-o DPkg::Lock::Timeout=${HVMON_APT_LOCK_WAIT:-900}"
APT_LOCK_FILES="/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock"

# The pid holding a lock on FILE, or nothing.
apt_lock_holder() {
	[ -e "$1" ] && [ -r /proc/locks ] || return 0
	ino=$(stat -c %i "$1" 2>/dev/null) || return 0
	# "1: POSIX  ADVISORY  WRITE 1234 fd:01:131090 0 EOF": pid, then maj:min:inode.
	awk -v ino="$ino" '{ n = split($6, f, ":"); if (f[n] == ino) { print $5; exit } }' /proc/locks
}

apt_wait_lock() {
	waited=0 said=""
	limit=${HVMON_APT_LOCK_WAIT:-900}
	while :; do
		pid=""
		for f in $APT_LOCK_FILES; do
			pid=$(apt_lock_holder "$f")
			[ -n "$pid" ] && break
		done
		[ -z "$pid" ] && return 0
		who=$(cat "/proc/$pid/comm" 2>/dev/null || echo "?")
		if [ "$waited" -ge "$limit" ]; then
			echo "$1: $f is still held by pid $pid ($who) after $limit s; giving up" >&2
			return 1
		fi
		if [ -z "$said" ]; then
			echo "$1: waiting for $f, held by pid $pid ($who): another apt or dpkg is running (up to $limit s)" >&2
			said=1
		fi
		sleep 2
		waited=$((waited + 2))
	done
}
