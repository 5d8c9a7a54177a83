#!/usr/bin/perl
# kr-sandbox fake daemon. plant.sh copies this file to the path of the program
# it imitates (e.g. /usr/local/bin/kubelet, with the shebang pointing at the
# real perl) and runs it there, so the kernel sets comm from that path's
# basename exactly as for the real binary (truncated to 15 characters).
#
# Environment:
#   KR_FAKE_LISTEN   space separated sockets to hold open:
#                    tcp:HOST:PORT, udp:HOST:PORT (HOST may be [::] or ::),
#                    unix:/path/to/socket
#   KR_FAKE_TITLE    optional process title (setproctitle style, like nginx);
#                    default: the NUL separated "PATH ARGS..." of a real exec
#   KR_FAKE_PIDFILE  optional file that receives the daemon's pid
#   KR_FAKE_EXE      path to show as argv[0] (default: $0)
#
# It binds everything first, then forks: the parent exits 0 once the sockets
# exist, the child (new session, cwd /) accepts and drops connections forever.
use strict;
use warnings;
use IO::Socket::IP;
use IO::Socket::UNIX;
use IO::Select;
use POSIX qw(setsid);
use Socket qw(SOCK_STREAM);

my $exe = $ENV{KR_FAKE_EXE} // $0;
my @args = @ARGV;
my @socks;

for my $spec (split ' ', $ENV{KR_FAKE_LISTEN} // '') {
    my ($proto, $rest) = split /:/, $spec, 2;
    die "bad listen spec '$spec'\n" unless defined $rest;
    if ($proto eq 'unix') {
        unlink $rest;
        my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => $rest, Listen => 128)
            or die "cannot listen on unix:$rest: $!\n";
        push @socks, $s;
        next;
    }
    my ($host, $port) = $rest =~ /^\[?([^\]]*?)\]?:(\d+)$/
        or die "bad listen spec '$spec'\n";
    my %opt = (LocalHost => $host, LocalPort => $port, Proto => $proto);
    if ($proto eq 'tcp') {
        $opt{Listen} = 128;
        $opt{ReuseAddr} = 1;
    }
    my $s = IO::Socket::IP->new(%opt)
        or die "cannot bind $proto $host:$port: $@\n";
    push @socks, $s;
}

# Process title / cmdline. Perl writes $0 into the original argv area, so the
# NUL separated form gives /proc/PID/cmdline the argv of the imitated program
# (padded with NULs up to the original length: we cannot shrink the area).
my $orig = '';
if (open my $fh, '<', '/proc/self/cmdline') {
    local $/;
    $orig = <$fh> // '';
    close $fh;
}
my $title = $ENV{KR_FAKE_TITLE} // '';
my $new;
if (length $title) {
    $new = $title;
} else {
    $new = join("\0", $exe, @args) . "\0";
    $new .= "\0" x (length($orig) - length($new)) if length($orig) > length($new);
}
$0 = $new;
# Setting $0 also renames the thread (prctl); restore the kernel's choice.
my $comm = substr((split m{/}, $exe)[-1], 0, 15);
if (open my $c, '>', '/proc/self/comm') {
    print {$c} $comm;
    close $c;
}

my $pid = fork();
die "fork: $!\n" unless defined $pid;
if ($pid) {
    if (my $pf = $ENV{KR_FAKE_PIDFILE}) {
        open my $out, '>', $pf or die "cannot write $pf: $!\n";
        print {$out} "$pid\n";
        close $out;
    }
    exit 0;
}

setsid();
chdir '/';
open STDIN, '<', '/dev/null';

my $sel = IO::Select->new(grep { $_->socktype == SOCK_STREAM } @socks);
if ($sel->count == 0) {
    sleep 3600 while 1;
}
while (1) {
    for my $s ($sel->can_read) {
        my $conn = $s->accept;
        close $conn if $conn;
    }
}
