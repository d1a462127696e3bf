// The desk's sign-in page: the office's press key, posted once and never kept by the browser.
import { ErrorSummary, type FieldErrors, TextField } from './fields.js';
import { DeskPage } from './layout.js';

export function SignInPage({ errors = new Map(), notice }: { errors?: FieldErrors; notice?: string }) {
  return (
    <DeskPage title="Sign in to the desk" notice={notice}>
      <ErrorSummary errors={errors} labels={{ key: 'Press key' }} intro="You are not signed in." />
      <p>
        Sign in with your office's press key (it begins with <code>cq_</code>). The desk keeps you signed in for a working day, or until you
        sign out; your browser does not keep the key.
      </p>
      <form method="post" action="/desk/sign-in" class="desk-form">
        <TextField
          name="key"
          label="Press key"
          type="password"
          value=""
          autocomplete="off"
          required
          errors={errors}
          hint="Paste the whole key. Ask your platform operator if you have none."
        />
        <button type="submit">Sign in</button>
      </form>
    </DeskPage>
  );
}
