import type { Express, Request } from 'express';
import { BadRequestError } from '../../src/access/problems';
import { NotPossibleError } from '../../src/access/refusal';
import { referencePattern } from '../../src/domain/references';
import { dayPeriod, lastDays, quarterOf, recentQuarters } from '../../src/links/periods';
import { htmlRoute, type WebContext } from './context';
import { networkChooserPage, networkPage, placesPage, profilePage } from './pages/picture';
import { profileWorkbook } from './profile-xlsx';

const one = (req: Request, name: string) => {
  const value = req.query[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** A question the service cannot answer as asked ("2026-Q9", an unknown report) is a 400, in its words. */
async function plainly<T>(answer: () => Promise<T>): Promise<T> {
  try {
    return await answer();
  } catch (error) {
    if (error instanceof NotPossibleError) throw new BadRequestError(error.message);
    throw error;
  }
}

/** The intelligence picture's pages: Places, Children's networks, the problem profile. */
export function mountPicturePages(app: Express, ctx: WebContext): void {
  const { picture, clock } = ctx;

  app.get(
    '/dashboard/places',
    htmlRoute(ctx, async (viewer, req) => {
      const [from, to] = [one(req, 'from'), one(req, 'to')];
      const period = await plainly(async () =>
        from && to ? dayPeriod(from, to) : lastDays(clock.now(), 90),
      );
      const [first, last] = period.label.split(' to ') as [string, string];
      return placesPage(viewer, await picture.places(viewer.actor, period), period, {
        from: first,
        to: last,
      });
    }),
  );
  app.get(
    '/dashboard/networks',
    htmlRoute(ctx, async (viewer, req, res) => {
      const reference = one(req, 'reference').toUpperCase();
      if (!reference) return networkChooserPage(viewer);
      if (!referencePattern.test(reference))
        throw new BadRequestError('Give a report reference, such as INT-2026-000001.');
      res.redirect(303, `/dashboard/networks/${await plainly(() => picture.childOfReport(reference))}`);
      return undefined;
    }),
  );
  app.get(
    '/dashboard/networks/:childId',
    htmlRoute(ctx, async (viewer, req) =>
      networkPage(viewer, await plainly(() => picture.network(viewer.actor, String(req.params.childId)))),
    ),
  );
  const quarterOfRequest = (req: Request) => one(req, 'quarter').toUpperCase() || quarterOf(clock.now());
  app.get(
    '/dashboard/profile',
    htmlRoute(ctx, async (viewer, req) => {
      const quarter = quarterOfRequest(req);
      const profile = await plainly(() => picture.profile(viewer.actor, quarter));
      return profilePage(viewer, profile, recentQuarters(clock.now()), quarter, clock.now());
    }),
  );
  app.get(
    '/dashboard/profile.xlsx',
    htmlRoute(ctx, async (viewer, req, res) => {
      const quarter = quarterOfRequest(req);
      const book = await profileWorkbook(
        await plainly(() => picture.profile(viewer.actor, quarter)),
        clock.now(),
      );
      res
        .status(200)
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`problem-profile-${quarter}.xlsx`);
      await book.xlsx.write(res);
      res.end();
      return undefined;
    }),
  );
}
