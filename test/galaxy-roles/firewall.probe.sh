# The end state geerlingguy.firewall manages: its script and init script, the
# boot links, and the rules in force (packet counters left out).
stat -c '%n %a %U:%G' /etc/firewall.bash /etc/init.d/firewall
ls /etc/rc0.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d | grep -i firewall
iptables-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
ip6tables-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
