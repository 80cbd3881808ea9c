# The end state geerlingguy.nfs manages: the exports file and what exportfs made of it.
stat -c '%n %a %U:%G' /etc/exports
cat /etc/exports
cat /var/lib/nfs/etab
