echo 'cannot reach the mail relay'
exit 3
