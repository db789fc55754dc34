import { describe, expect, it } from 'vitest';
import { RESOURCE_CATALOGUE, resourcesForChangedModels, resourcesOfCategory } from '../../lambdas/core/kombo/catalogue';

const all = new Set(RESOURCE_CATALOGUE.map((d) => d.resource));

describe('resource catalogue', () => {
  it('names resources by endpoint path without the version, one entry each', () => {
    for (const { resource, category } of RESOURCE_CATALOGUE) {
      expect(resource).toMatch(/^(ats|hris|lms)\/[a-z-]+$/);
      expect(resource.split('/')[0]).toBe(category.toLowerCase());
    }
    expect(all.size).toBe(RESOURCE_CATALOGUE.length);
  });

  it('covers the readable resources of ATS, HRIS and LMS', () => {
    expect(resourcesOfCategory('ATS')).toEqual(
      expect.arrayContaining(['ats/applications', 'ats/candidates', 'ats/jobs', 'ats/users']),
    );
    expect(resourcesOfCategory('HRIS')).toEqual(
      expect.arrayContaining(['hris/employees', 'hris/employments', 'hris/groups']),
    );
    expect(resourcesOfCategory('LMS')).toEqual(['lms/users', 'lms/courses', 'lms/course-progressions', 'lms/skills']);
  });
});

describe('changed models → resources', () => {
  it("follows Kombo's ATS table: a candidate change affects applications, candidates, interviews and offers", () => {
    const { resources, unknownModels } = resourcesForChangedModels('ATS', ['ats_candidates'], all);
    expect(resources).toEqual(['ats/applications', 'ats/candidates', 'ats/interviews', 'ats/offers']);
    expect(unknownModels).toEqual([]);
  });

  it('maps join tables to the endpoints that embed them', () => {
    expect(resourcesForChangedModels('HRIS', ['hris_join_employees_teams'], all).resources).toEqual(['hris/employees']);
    expect(resourcesForChangedModels('LMS', ['lms_course_revisions'], all).resources).toEqual(['lms/courses']);
    expect(resourcesForChangedModels('HRIS', ['hris_teams'], all).resources).toEqual([
      'hris/groups',
      'hris/staffing-entities',
    ]);
  });

  it('returns each resource once however many of its models changed', () => {
    const { resources } = resourcesForChangedModels('ATS', ['ats_applications', 'ats_offers', 'ats_tags'], all);
    expect(resources).toEqual(['ats/applications', 'ats/candidates', 'ats/interviews', 'ats/offers', 'ats/tags']);
  });

  it('keeps only configured resources', () => {
    const configured = new Set(['ats/applications', 'hris/employees']);
    expect(resourcesForChangedModels('ATS', ['ats_candidates'], configured).resources).toEqual(['ats/applications']);
    expect(resourcesForChangedModels('ATS', ['ats_rejection_reasons'], configured).resources).toEqual([]);
  });

  it('never rejects an unknown model: it fetches every configured resource of the category', () => {
    const { resources, unknownModels } = resourcesForChangedModels('LMS', ['lms_brand_new_model'], all);
    expect(unknownModels).toEqual(['lms_brand_new_model']);
    expect(resources).toEqual(resourcesOfCategory('LMS'));
  });

  it('knows the documented models no synced endpoint depends on (no fetch, not "unknown")', () => {
    expect(resourcesForChangedModels('HRIS', ['hris_skills'], all)).toEqual({ resources: [], unknownModels: [] });
  });

  it('ignores models of another category', () => {
    expect(resourcesForChangedModels('ATS', ['hris_employees'], all).resources).toEqual([]);
  });
});
