// The login form posts to Spring Security's form login; it needs this session's CSRF token first.
const form = document.getElementById('login-form');
const message = document.getElementById('message');
const params = new URLSearchParams(location.search);
if (params.has('error')) message.textContent = 'Wrong user or password.';
// the engine locks an account for a few seconds after a wrong password (3 s, doubling up to 60 s;
// after 10 in a row until an administrator unlocks it)
if (params.has('locked')) {
  const seconds = Number(params.get('locked'));
  const lock = seconds > 0
    ? `The account is locked for ${seconds} s after a wrong password: try again then.`
    : 'The account is locked after too many wrong passwords: an administrator unlocks it in Camunda Admin.';
  message.textContent = params.has('error') ? `Wrong user or password. ${lock}` : lock;
}
if (params.has('logout')) message.textContent = 'You are logged out.';

const button = document.getElementById('login');
button.disabled = true;
fetch('/ui/api/csrf', { headers: { Accept: 'application/json' } })
  .then((response) => response.json())
  .then((csrf) => {
    const field = document.getElementById('csrf');
    field.name = csrf.parameterName;
    field.value = csrf.token;
    button.disabled = false;
  })
  .catch(() => (message.textContent = 'Cumulus cannot be reached. Reload the page to try again.'));
form.addEventListener('submit', (event) => {
  if (!document.getElementById('csrf').value) event.preventDefault();
});
